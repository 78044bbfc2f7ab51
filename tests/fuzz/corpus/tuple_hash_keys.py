d = {}
d[(1, 2)] = 'a'
d[(1, (2, 3))] = 'b'
print(d[(1, 2)], d[1, (2, 3)], (1, 2) in d)
try:
    d[[1]] = 2
except TypeError as e:
    print('TypeError', e)
