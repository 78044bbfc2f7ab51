def count(n):
    i = 0
    while i < n:
        yield i
        i += 1
print(list(count(5)), sum(count(10)))
g = count(3)
print(next(g), next(g), next(g), next(g, 'done'))
def echo():
    v = yield 'start'
    while True:
        v = yield 'got %s' % v
e = echo()
print(next(e), e.send(1), e.send(2))
def deleg():
    r = yield from count(3)
    yield 'r=%s' % r
    yield from [10, 20]
print(list(deleg()))
def ret():
    yield 1
    return 'value'
def wrap():
    v = yield from ret()
    yield v
print(list(wrap()))
def thrower():
    try:
        yield 1
        yield 2
    except ValueError as e:
        yield 'caught %s' % e
t = thrower()
print(next(t), t.throw(ValueError('x')))
def closer():
    try:
        yield 1
    finally:
        print('closed')
c = closer(); next(c); c.close()
gen = (x * x for x in range(5))
print(list(gen), list(gen))
print(sum(x for x in range(100) if x % 3 == 0))
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
f = fib()
print([next(f) for _ in range(10)])
try:
    next(iter([]))
except StopIteration:
    print('StopIteration')
def gen_ret():
    return 5
    yield
try:
    next(gen_ret())
except StopIteration as si:
    print('value', si.value)
