def f(a, *, b=1, c):
    return a, b, c
print(f(1, c=3), f(1, c=3, b=2))
try:
    f(1, 2, 3)
except TypeError:
    print('TypeError')
