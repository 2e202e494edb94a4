# Draws names_dev2: messages of messages_raw.csv outside the gold set, in a
# random order (seed 2026), kept when they show a sign of a person named:
# an address word (先生 女士 书记 …), a hidden name (X某), or a run of two or
# three characters that starts with a frequent surname and stands between
# punctuation marks or before 、. Details cut as the gold's (500 characters,
# last sentence end). Run from the repository root:
#   python3 internal/deid/testdata/names_dev2/draw.py 150 > draw.jsonl
import csv, json, random, re, sys
raw = sys.argv[2] if len(sys.argv) > 2 else '/work/shared/data/messages_raw.csv'
rows = [r for r in csv.DictReader(open(raw, encoding='utf-8')) if r.get('detail')]
gold = {json.loads(l)['id'] for l in open('internal/realtext/testdata/gold.jsonl', encoding='utf-8')}
rows = [r for r in rows if int(r['msg_id']) not in gold]
rng = random.Random(2026)
rng.shuffle(rows)
sur = "王李张刘陈杨黄赵吴周徐孙朱胡郭何罗郑梁谢宋唐许韩冯邓曹彭曾肖董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭汪范廖贾夏韦付邹孟熊秦邱尹薛闫段雷侯陶黎贺顾毛郝龚邵覃戴莫汤易颜倪聂章鲁岳翟殷詹申欧耿焦俞左柳祝童凌裴涂"
cues = re.compile('先生|女士|小姐|师傅|老师|书记|主任|经理|老板|局长|所长|队长|科长|站长|院长|校长|村长|部长|律师|医生|阿姨|[' + sur + ']某|我叫|名叫|姓名|联系人|举报人|法人|负责人')
shape = re.compile('(?:^|[，、。；：（）\\s,])[' + sur + '][\u4e00-\u9fff]{1,2}(?=[，、。；：（）\\s,])')
def cut(s, n=500):
    s = s.strip()
    if len(s) <= n: return s, False
    head = s[:n]
    k = max(head.rfind(c) for c in '。！？!?；')
    return (head[:k+1] if k >= 200 else head), True
out = []
for r in rows:
    d, tr = cut(r['detail'])
    t = r['title'].strip()
    if cues.search(t + '\n' + d) or shape.search(t + '\n' + d):
        out.append({'id': int(r['msg_id']), 'title': t, 'detail': d, 'truncated': tr})
    if len(out) == int(sys.argv[1]): break
print(len(out), file=sys.stderr)
for o in out:
    print(json.dumps(o, ensure_ascii=False))
