r = range(0, 10**12, 10**6)
print(len(r), r[5], r[-1], 10**9 in r, r[10:12])
print(sum(range(100001)), list(range(-5, 5, 3)))
