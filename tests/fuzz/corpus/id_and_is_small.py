a = 256
b = 256
print(a == b, [] is [], (lambda: 0) is (lambda: 0))
