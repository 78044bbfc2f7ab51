d = {1: 'int'}
d[1.0] = 'float'
d[True] = 'bool'
print(d, len(d))
print({0: 'a', False: 'b', 0.0: 'c'})
