print([x * 2 for x in range(5)], [x for x in range(10) if x % 2 if x > 3])
print([(x, y) for x in range(3) for y in range(x)], [[y for y in range(x)] for x in range(3)])
print({x: x * x for x in range(4)}, {x % 3 for x in range(10)})
print({k: v for k, v in zip('abc', range(3))})
m = [[1, 2], [3, 4]]
print([v for row in m for v in row], [row[::-1] for row in m])
x = 'outer'
print([x for x in 'ab'], x)
print(list(map(lambda v: v + 1, [1, 2])), list(filter(None, [0, 1, 2, '', 'a'])))
print(list(zip([1, 2, 3], 'ab')), list(enumerate('xy', 1)), list(reversed([1, 2, 3])))
print(any(x > 3 for x in range(5)), all(x < 3 for x in range(5)), sorted(set(s for s in 'hello')))
n = 3
print([i * n for i in range(n)])
