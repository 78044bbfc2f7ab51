def f():
    x = 1
    def g():
        nonlocal x
        x += 1
        def h():
            nonlocal x
            x *= 10
        h()
        return x
    return g()
print(f())
y = 0
def set_y():
    global y
    y = 42
    def read():
        return y
    return read()
print(set_y(), y)
def make():
    funcs = {}
    for name in ['a', 'b']:
        def f(name=name):
            return name.upper()
        funcs[name] = f
    return funcs
print({k: v() for k, v in make().items()})
def acc():
    total = 0
    def add(n):
        nonlocal total
        total += n
        return total
    return add
a = acc(); a(5); print(a(10))
