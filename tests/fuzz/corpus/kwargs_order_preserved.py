def f(**kw):
    return list(kw.items())
print(f(z=1, a=2, m=3))
d = dict(b=1, a=2)
print(list(d))
