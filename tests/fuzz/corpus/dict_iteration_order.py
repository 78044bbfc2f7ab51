d = {}
for k in 'zyxwvutsrq':
    d[k] = ord(k)
print(list(d), list(d.values())[:3])
d.pop('x')
d['x'] = 0
print(list(d)[-1], len(d))
