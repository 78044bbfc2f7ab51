for i in range(10):
    if i == 2:
        continue
    if i == 6:
        break
    print(i, end=' ')
else:
    print('no')
print()
for i in range(3):
    pass
else:
    print('else ran', i)
n = 0
while n < 5:
    n += 1
    if n == 3:
        continue
    print('n', n)
else:
    print('while else')
while True:
    n -= 1
    if n < 0:
        break
print('done', n)
x = 5
if x > 10:
    print('big')
elif x > 3:
    print('medium')
else:
    print('small')
print('yes' if x else 'no', [i for i in range(3)] if x else None)
for i, c in enumerate('abc'):
    for j in range(3):
        if j == 1:
            break
    else:
        print('never')
    print(i, c, j)
