d = {'a': 1, 'b': 2}
d['c'] = 3
print(d, len(d), d['a'], d.get('z'), d.get('z', 0), 'a' in d, 'z' in d)
print(list(d.keys()), list(d.values()), list(d.items()))
del d['b']
print(d, d.pop('a'), d, d.pop('q', 'dflt'))
d.update({'x': 10, 'y': 20}); d.update(z=30)
print(d, d.setdefault('w', 5), d.setdefault('x', 99), d)
print(dict(a=1, b=2), dict([('k', 'v')]), dict({'m': 1}, n=2), dict.fromkeys('ab', 0))
e = {}
for i in range(20):
    e[i] = i * i
print(e[19], len(e), sum(e.values()))
for i in range(0, 20, 2):
    del e[i]
print(list(e.keys()), e.popitem(), len(e))
print({1: 'a', 2: 'b'} == {2: 'b', 1: 'a'}, {**{'a': 1}, 'b': 2}, {'a': 1} | {'b': 2})
try:
    d['missing']
except KeyError as ex:
    print('KeyError', ex)
k = {(1, 2): 'tuple', 1.5: 'float', None: 'none', True: 'bool'}
print(k[(1, 2)], k[1.5], k[None], k[1])
print(d.copy() == d, d.clear(), d)
