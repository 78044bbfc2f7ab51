def f(*a, **k):
    return a, k
l = [1, 2]
d = {'x': 1}
print(f(*l, *l), f(**d, y=2), f(0, *l, 3, **d), [*l, *l], (*l, 5), {*l}, {**d, 'z': 0})
