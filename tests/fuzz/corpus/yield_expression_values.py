def g():
    x = yield 1
    y = yield x * 2
    z = yield (x, y)
    return z
it = g()
print(next(it), it.send(5), it.send(7))
try:
    it.send('end')
except StopIteration as e:
    print(e.value)
