def f():
    'doc'
    return 1
f.tag = 'x'
print(f.__name__, f.tag, callable(f))
g = f
print(g(), g.__name__)
def outer():
    def inner():
        pass
    return inner
print(outer().__name__)
