def down(n):
    return down(n + 1)
try:
    down(0)
except RecursionError as e:
    print('RecursionError caught')
def fact(n):
    return 1 if n == 0 else n * fact(n - 1)
print(fact(100) > 10**150)
