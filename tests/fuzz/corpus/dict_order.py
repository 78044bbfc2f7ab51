d = {}
for w in ['pear', 'apple', 'fig', 'banana', 'kiwi', 'date', 'cherry', 'grape', 'lime', 'lemon']:
    d[w] = len(w)
print(d)
del d['fig']; d['fig'] = 0
print(list(d))
print({k: v for k, v in sorted(d.items(), key=lambda kv: kv[1])})
