def naturals():
    n = 0
    while True:
        yield n
        n += 1
def take(n, it):
    return [v for _, v in zip(range(n), it)]
print(take(5, naturals()), take(3, (x * x for x in naturals())))
