x = 10
g = (x + i for i in range(3))
x = 20
print(list(g))
items = [1, 2, 3]
print(sum(i * i for i in items), max(i for i in items if i < 3))
