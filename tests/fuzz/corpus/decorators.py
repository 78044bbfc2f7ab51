def trace(f):
    def wrapper(*args, **kw):
        print('call', f.__name__, args)
        return f(*args, **kw)
    return wrapper
@trace
def add(a, b):
    return a + b
print(add(1, 2))
def repeat(n):
    def deco(f):
        def w(*a):
            return [f(*a) for _ in range(n)]
        return w
    return deco
@repeat(3)
def hi(x):
    return 'hi ' + x
print(hi('there'))
def register(cls):
    cls.registered = True
    return cls
@register
class R:
    pass
print(R.registered)
@trace
@repeat(2)
def two():
    return 2
print(two())
