def f(a, b, c=3, *args, d, e=5, **kw):
    return (a, b, c, args, d, e, sorted(kw.items()))
print(f(1, 2, d=4))
print(f(1, 2, 3, 4, 5, d=6, e=7, x=8, y=9))
print(f(*[1, 2], **{'d': 0, 'z': 1}))
def g(x, /, y, *, z):
    return x + y + z
print(g(1, 2, z=3), g(1, y=2, z=3))
def h(*args, **kwargs):
    return args, kwargs
print(h(), h(1, 2, a=3))
def defaults(a, l=[]):
    l.append(a)
    return l
print(defaults(1), defaults(2))
def noret():
    pass
print(noret())
def rec(n):
    return 1 if n <= 1 else n * rec(n - 1)
print(rec(20))
print((lambda x, y=2: x * y)(3), (lambda *a: sum(a))(1, 2, 3))
print(f.__name__, g.__name__, (lambda: 0).__name__)
def kwonly(*, a=1, b):
    return a, b
print(kwonly(b=2))
def outer():
    def inner():
        return 'inner'
    return inner()
print(outer())
