s = {3, 1, 2}
print(sorted(s), len(s), 2 in s, 5 in s)
s.add(5); s.discard(1); s.remove(2)
print(sorted(s))
a = {1, 2, 3, 4}
b = {3, 4, 5}
print(sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b))
print(sorted(a.union(b)), sorted(a.intersection(b)), sorted(a.difference(b)), sorted(a.symmetric_difference(b)))
print({1, 2} <= {1, 2, 3}, {1, 2} < {1, 2}, a.issuperset({1}), a.isdisjoint({9}))
print(set(), set([1, 1, 2]) == {1, 2}, frozenset([1, 2]) == {1, 2}, len(frozenset('aab')))
fs = frozenset([1, 2])
print({fs: 'ok'}[frozenset([2, 1])])
c = {x % 3 for x in range(10)}
print(sorted(c))
a |= {9}; a -= {1}; print(sorted(a))
print(s.pop() in {3, 5}, set('abc') == {'a', 'b', 'c'})
