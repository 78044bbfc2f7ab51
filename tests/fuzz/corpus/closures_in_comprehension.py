fs = [lambda x, k=k: x * k for k in range(1, 4)]
print([f(10) for f in fs])
def outer(n):
    return [lambda: n + i for i in range(2)]
print([f() for f in outer(10)])
