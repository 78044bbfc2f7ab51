counter = [0]
def default():
    counter[0] += 1
    return counter[0]
def f(x=default()):
    return x
print(f(), f(), counter)
def g(a, b=[], *, c={}):
    b.append(a)
    c[a] = len(b)
    return b, c
print(g(1), g(2))
