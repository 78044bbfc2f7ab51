m = {i: {j: i * j for j in range(3)} for i in range(3)}
print(m, m[2][2])
inv = {}
for k, v in {'a': 1, 'b': 2, 'c': 1}.items():
    inv.setdefault(v, []).append(k)
print(inv)
