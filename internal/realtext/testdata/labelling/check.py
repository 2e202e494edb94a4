import json, re, sys
TYPES = {'ZONE','TOWN','COMMUNITY','COMPOUND','ROAD','BUILDING','PERSON','PHONE','ID_CARD','PLATE','BANK_CARD','IM_ID','EMAIL','USCC','PASSPORT'}
CATS = {'城乡建设','环境保护','交通运输','教育文体','劳动和社会保障','商贸旅游','卫生计生'}
INTENTS = {'咨询','求助','投诉','举报','建议','表扬'}
URG = {'紧急','加急','复杂','一般'}
SPAN = re.compile(r'⟦([^⟦⟧|]+)\|([A-Z_]+)⟧')
def strip(m):
    errs = []
    for t in SPAN.findall(m):
        if t[1] not in TYPES: errs.append('unknown type ' + t[1])
    plain = SPAN.sub(lambda x: x.group(1), m)
    if '⟦' in plain or '⟧' in plain: errs.append('broken markup')
    return plain, errs
def main(path):
    batch = path.replace('.labelled', '')
    src = [json.loads(l) for l in open(batch, encoding='utf-8')]
    out = [json.loads(l) for l in open(path, encoding='utf-8') if l.strip()]
    bad = 0
    if len(out) != len(src): print(f'{len(out)} labelled lines for {len(src)} messages'); bad += 1
    for s, o in zip(src, out):
        e = []
        if o.get('id') != s['id']: e.append(f"id {o.get('id')} != {s['id']}")
        for f in ('title', 'detail'):
            p, pe = strip(o.get(f + '_marked', ''))
            e += pe
            if p != s[f]:
                i = next((k for k in range(min(len(p), len(s[f]))) if p[k] != s[f][k]), min(len(p), len(s[f])))
                e.append(f'{f} differs at {i}: ...{s[f][max(0,i-8):i+8]!r} vs ...{p[max(0,i-8):i+8]!r}')
        if o.get('category') not in CATS: e.append('category ' + str(o.get('category')))
        if o.get('intent') not in INTENTS: e.append('intent ' + str(o.get('intent')))
        if o.get('urgency') not in URG: e.append('urgency ' + str(o.get('urgency')))
        if e: bad += 1; print(s['id'], '; '.join(e))
    print('ok' if not bad else f'{bad} messages with errors')
main(sys.argv[1])
