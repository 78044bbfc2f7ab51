data = [1, 5, 10, 15]
if (n := len(data)) > 3:
    print('long', n)
print([y for x in data if (y := x * 2) > 10])
i = 0
while (i := i + 1) < 3:
    print('i', i)
print(i)
x = 1 if True else 2
print(x, 5 if 0 else 6)
a = b = c = 7
print(a, b, c)
a += 1; b -= 1; c *= 2
print(a, b, c)
v = 10; v //= 3; print(v); v **= 2; print(v); v %= 5; print(v); v <<= 2; print(v); v >>= 1; print(v)
v |= 1; print(v); v &= 6; print(v); v ^= 3; print(v); v /= 2; print(v)
