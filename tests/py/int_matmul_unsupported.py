# `@` between ints is a TypeError (small ints once pushed a null result: found by tests/fuzz).
for f in [lambda: 1 @ 2, lambda: 2 ** 70 @ 3, lambda: 3 @ 2 ** 70, lambda: 1 @ 2 * 3, lambda: 1.5 @ 2]:
    try:
        print(f())
    except TypeError as e:
        print('TypeError', e)
x = 5
try:
    x @= 2
except TypeError as e:
    print('TypeError', e)
print(x)
