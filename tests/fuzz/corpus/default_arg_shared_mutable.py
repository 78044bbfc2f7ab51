def f(x, acc={}):
    acc[x] = acc.get(x, 0) + 1
    return acc
f('a'); f('b'); print(f('a'))
