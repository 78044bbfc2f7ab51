class A:
    pass
a, b = A(), A()
print(a == a, a == b, a != b, a in [a], b in [a])
d = {a: 1}
print(d[a], hash(a) == hash(a))
