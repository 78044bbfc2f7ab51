d = []
for i in range(200):
    d = [d]
s = repr(d)
print(len(s), s[:10])
x = {}
cur = x
for i in range(100):
    cur['k'] = {}
    cur = cur['k']
print(len(repr(x)))
