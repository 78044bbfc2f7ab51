def target(a, b, c=0, *rest, **kw):
    return a, b, c, rest, kw
def wrapper(*args, **kwargs):
    return target(*args, **kwargs)
print(wrapper(1, 2), wrapper(1, 2, 3, 4, x=5), wrapper(*(1,), b=2))
