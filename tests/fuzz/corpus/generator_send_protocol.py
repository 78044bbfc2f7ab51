def avg():
    total = count = 0
    average = None
    while True:
        v = yield average
        total += v
        count += 1
        average = total / count
a = avg()
next(a)
print(a.send(10), a.send(20), a.send(0))
