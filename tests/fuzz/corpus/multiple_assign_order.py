x = [0, 0, 0]
i = 0
i, x[i] = 2, 5
print(i, x)
a = b = []
a.append(1)
print(b)
