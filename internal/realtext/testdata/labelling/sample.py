# Draws the gold sample from messages_raw.csv: 300 messages, seed 12, details
# cut at the last sentence end within 500 characters.
import csv, json, random
rows = list(csv.DictReader(open('/work/shared/data/messages_raw.csv', encoding='utf-8')))
rng = random.Random(12)
pick = rng.sample(rows, 300)
def cut(s, n=500):
    s = s.strip()
    if len(s) <= n: return s, False
    head = s[:n]
    k = max(head.rfind(c) for c in '。！？!?；')
    return (head[:k+1] if k >= 200 else head), True
for b in range(5):
    with open(f'batch{b+1}.jsonl', 'w', encoding='utf-8') as f:
        for i, r in enumerate(pick[b*60:(b+1)*60]):
            d, tr = cut(r['detail'])
            json.dump({'id': int(r['msg_id']), 'split': 'dev' if (b*60+i) % 2 == 0 else 'test', 'time': r['time'], 'title': r['title'].strip(), 'detail': d, 'truncated': tr}, f, ensure_ascii=False)
            f.write('\n')
