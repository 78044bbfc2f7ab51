s = ''
for i in range(2000):
    s += chr(ord('a') + i % 26)
print(len(s), s[:30], s[-5:])
parts = []
for i in range(1000):
    parts.append(str(i))
print(len(','.join(parts)))
