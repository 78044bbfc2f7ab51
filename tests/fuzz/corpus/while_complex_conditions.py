i, j = 0, 10
while i < j and not (i == 3 and j == 7):
    i += 1
    j -= 1
print(i, j)
n = 27
steps = 0
while n != 1:
    n = n // 2 if n % 2 == 0 else 3 * n + 1
    steps += 1
print(steps)
