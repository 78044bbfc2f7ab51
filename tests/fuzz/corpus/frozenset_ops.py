a = frozenset([1, 2])
b = frozenset([2, 3])
print(sorted(a | b), type(a | b).__name__, sorted(a & {2}), hash(a) == hash(frozenset([2, 1])))
d = {a: 'x'}
print(d[frozenset({1, 2})])
