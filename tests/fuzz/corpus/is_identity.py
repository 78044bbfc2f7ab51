a = [1]
b = a
c = [1]
print(a is b, a is c, a is not c, None is None, 1 is 1, () is ())
print(a == c, id(a) == id(b))
