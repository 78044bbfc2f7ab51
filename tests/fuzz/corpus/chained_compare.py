x = 5
print(1 < x < 10, 1 < x > 10, 1 == 1 < 2, 3 > 2 > 1 > 0, 1 < 2 < 2, 'a' < 'b' < 'c')
def f(v):
    print('eval', v)
    return v
print(f(1) < f(2) < f(0) < f(3))
