def make():
    out = []
    for i in range(3):
        def f(i=i):
            return i * i
        out.append(f)
    return out
print([f() for f in make()])
def counter():
    c = 0
    def inc():
        nonlocal c
        c += 1
        return c
    def get():
        return c
    return inc, get
i, g = counter()
i(); i()
print(g())
