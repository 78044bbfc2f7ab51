t = (1, 2, 3)
print(t, len(t), t[1], t[-1], t[1:], t + (4,), t * 2, (1,), ())
a, b, c = t
print(a, b, c)
x, *rest = [1, 2, 3, 4]
print(x, rest)
*init, last = 'abcd'
print(init, last)
p, (q, r) = 1, (2, 3)
print(p, q, r)
print(t.index(2), t.count(3), 2 in t, tuple([5, 6]), tuple('ab'))
print((1, 2) < (1, 3), (1, 2) == (1, 2), hash((1, 2)) == hash((1, 2)))
a, b = b, a
print(a, b)
print(max((1, 'a'), (2, 'b')), sorted([(2, 1), (1, 2)]))
