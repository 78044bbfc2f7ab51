def make_counter():
    count = 0
    def inc():
        nonlocal count
        count += 1
        return count
    return inc
c = make_counter()
print(c(), c(), c())
def adders():
    return [lambda x, i=i: x + i for i in range(3)]
print([f(10) for f in adders()])
def late():
    fs = [lambda: i for i in range(3)]
    return [f() for f in fs]
print(late())
x = 'global'
def g():
    global x
    x = 'changed'
g(); print(x)
def outer():
    a = 1
    def mid():
        def inner():
            return a
        return inner()
    return mid()
print(outer())
def param_cell(v):
    def get():
        return v
    v += 1
    return get
print(param_cell(5)())
def counter2():
    n = [0]
    def f():
        n[0] += 1
        return n[0]
    return f
f = counter2(); f(); print(f())
