def qs(a):
    if len(a) <= 1:
        return a
    p, *rest = a
    return qs([x for x in rest if x < p]) + [p] + qs([x for x in rest if x >= p])
data = [(i * 7919) % 101 for i in range(50)]
print(qs(data) == sorted(data), qs(data)[:10])
