t = (3, 1, 3, 2)
print(t.count(3), t.index(2), sorted(t), min(t), max(t), len(t), t[::-1], 3 in t, t + (9,), t * 0)
x = 1,
print(x, type(x).__name__, tuple(), tuple([1]) == (1,))
