d = dict.fromkeys(['a', 'b'], [])
d['a'].append(1)
print(d)
d = {i: str(i) for i in range(5)}
print(d.keys(), d.values(), d.items())
print(len(d.keys()), 3 in d.keys(), '3' in d.values(), (1, '1') in d.items())
for k in list(d):
    if k % 2:
        del d[k]
print(d)
print({'a': 1}.get('a', 5), {}.setdefault('z', []), sorted({'b': 1, 'a': 2}))
d1 = {'a': 1, 'b': 2}; d2 = {'b': 3, 'c': 4}
d1.update(d2); print(d1)
d1.update([('e', 5)], f=6); print(d1)
print(dict(zip('abc', [1, 2, 3])), {x: x ** 2 for x in (2, 3)}, dict(a=1) == {'a': 1})
k = d1.keys() & {'a', 'c', 'z'}
print(sorted(k))
nested = {'outer': {'inner': [1, 2, {'deep': True}]}}
print(nested['outer']['inner'][2]['deep'])
big = {}
for i in range(1000):
    big['k%d' % i] = i
print(len(big), big['k999'], sum(big.values()))
for i in range(0, 1000, 2):
    del big['k%d' % i]
print(len(big), big.get('k998'), big['k1'])
