l = list(range(10))
l[::3] = ['a', 'b', 'c', 'd']
print(l)
try:
    l[::2] = [1]
except ValueError as e:
    print('ValueError')
l[5:2:-1] = ['x', 'y', 'z']
print(l)
