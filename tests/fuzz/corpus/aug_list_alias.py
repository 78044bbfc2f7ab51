a = [1]
b = a
a += [2]
print(a, b, a is b)
x = (1,)
y = x
x += (2,)
print(x, y, x is y)
