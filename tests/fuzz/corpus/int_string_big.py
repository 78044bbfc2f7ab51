n = 7 ** 400
s = str(n)
print(len(s), s[:20], s[-20:], int(s) == n, hex(n)[:20], int(hex(n), 16) == n)
