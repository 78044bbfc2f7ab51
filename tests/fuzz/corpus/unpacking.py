a, b, *c = range(5)
print(a, b, c)
(a, b), c = [1, 2], 3
print(a, b, c)
first, *middle, last = 'hello'
print(first, middle, last)
print(*[1, 2], *'ab', sep='-')
print([*range(3), *[9]], (*'ab',), {*'aa', 'b'} == {'a', 'b'}, {**{'x': 1}, **{'y': 2}})
def f(*a, **k):
    return a, k
print(f(*(1, 2), 3, **{'q': 1}, r=2))
for x, (y, z) in [(1, (2, 3)), (4, (5, 6))]:
    print(x, y, z)
try:
    a, b = [1, 2, 3]
except ValueError as e:
    print(e)
try:
    a, b, c = [1, 2]
except ValueError as e:
    print(e)
i = 0
l = [0, 0]
i, l[i] = 1, 5
print(i, l)
