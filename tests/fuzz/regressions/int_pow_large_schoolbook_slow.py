a = 3 ** 620050
q, r = divmod(a, b)
print(q * b + r == a, 0 <= r < b, a // -b, a % -b, -a // b, -a % b)
print((10 ** 50 + 1) // 3, (10 ** 50) % 997, pow(3, 10 ** 2, 10 ** 9 + 7))
