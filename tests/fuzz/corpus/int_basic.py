a = 7
b = 3
print(a + b, a - b, a * b, a / b, a // b, a % b, a ** b)
print(-a // b, -a % b, a // -b, a % -b)
print(abs(-5), -(-5), +5, ~5, ~-1)
print(1 << 10, 1024 >> 3, -16 >> 2, 5 & 3, 5 | 3, 5 ^ 3)
print(int('42'), int('-17'), int(' 8 '), int('ff', 16), int('0x1f', 0), int('101', 2), int('z', 36))
print(int(3.9), int(-3.9), int(True), int('1_000'))
print(divmod(17, 5), divmod(-17, 5), divmod(17, -5))
print(pow(2, 10), pow(2, 10, 1000), pow(3, -1, 7) if False else 0)
print(10 == 10.0, 1 < 2 < 3, 3 > 2 > 2)
