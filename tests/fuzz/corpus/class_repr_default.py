class A:
    pass
a = A()
r = repr(a)
print(r.startswith('<'), 'A object at' in r, str(a) == r)
print(repr(A), str(int), repr(type))
