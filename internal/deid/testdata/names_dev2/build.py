# Turns the labels written by reading (labels.txt) into names_dev2.jsonl.
# A line of labels.txt is `id: name name …`; a name is marked at every
# occurrence in the title and the detail, or, written ⟦X⟧ctx / ctx⟦X⟧, only
# where the context follows or precedes it (⟦王⟧书记: the 王 before 书记);
# __ stands for the no-break space and space of one name. Longer names win
# overlaps. Every name must occur at least once.
import json, re, sys
# usage: python3 build.py DRAW.jsonl labels.txt OUT.jsonl
msgs = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
labels = {}
for line in open(sys.argv[2], encoding='utf-8'):
    line = line.strip()
    if not line: continue
    k, _, v = line.partition(':')
    labels[int(k)] = v.split()
assert len(labels) == len(msgs), (len(labels), len(msgs))
out, bad, nspans = [], 0, 0
for m in msgs:
    toks = labels[m['id']]
    cands = []  # (field, start, end)
    for tok in toks:
        tok = tok.replace('__', '\u00a0 ')
        if '⟦' in tok:
            pre, rest = tok.split('⟦'); name, post = rest.split('⟧')
        else:
            pre, name, post = '', tok, ''
        hits = 0
        for field in ('title', 'detail'):
            t = m[field]
            for mm in re.finditer(re.escape(pre + name + post), t):
                s = mm.start() + len(pre)
                cands.append((field, s, s + len(name)))
                hits += 1
        if hits == 0:
            print('NO HIT', m['id'], tok, file=sys.stderr); bad += 1
    cands.sort(key=lambda c: -(c[2] - c[1]))
    taken = []
    for c in cands:
        if any(o[0] == c[0] and o[1] < c[2] and c[1] < o[2] for o in taken): continue
        taken.append(c)
    taken.sort()
    spans = [{'field': f, 'type': 'PERSON', 'start': s, 'end': e, 'text': m[f][s:e]} for f, s, e in taken]
    nspans += len(spans)
    out.append({'id': m['id'], 'title': m['title'], 'detail': m['detail'], 'truncated': m['truncated'], 'spans': spans})
with open(sys.argv[3], 'w', encoding='utf-8') as f:
    for o in out:
        f.write(json.dumps(o, ensure_ascii=False) + '\n')
print(len(out), 'messages', sum(1 for o in out if o['spans']), 'with names', nspans, 'spans', bad, 'bad', file=sys.stderr)
