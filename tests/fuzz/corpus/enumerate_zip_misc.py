names = ['a', 'b', 'c']
vals = [1, 2, 3]
for i, (n, v) in enumerate(zip(names, vals)):
    print(i, n, v)
print(dict(zip(names, vals)), list(zip(*[(1, 'x'), (2, 'y')])))
