print([x if x % 2 else -x for x in range(6)])
print([(i, j) for i in range(4) if i % 2 for j in range(i) if j])
print([[c for c in w] for w in ['ab', 'c']])
print([y for x in [[1, 2], [3]] for y in x if y > 1])
