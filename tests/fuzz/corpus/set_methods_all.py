a = {1, 2, 3}
b = a.copy()
b.add(4)
print(sorted(a), sorted(b), a.issubset(b), b.issuperset(a), a.isdisjoint({7}), sorted(a.union([9], (10,))), sorted(b.difference(a, {4})))
c = set()
c.update('hello')
print(sorted(c))
c.clear()
print(c, len(c))
