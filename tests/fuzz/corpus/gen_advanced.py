def chain(*its):
    for it in its:
        yield from it
print(list(chain([1, 2], (3,), 'ab')))
def tree(n):
    if n > 0:
        yield from tree(n - 1)
        yield n
        yield from tree(n - 1)
print(list(tree(3)))
def accumulate():
    total = 0
    while True:
        v = yield total
        if v is None:
            return total
        total += v
g = accumulate()
next(g)
for v in [1, 2, 3]:
    print(g.send(v))
try:
    g.send(None)
except StopIteration as e:
    print('final', e.value)
def inner():
    try:
        yield 1
        yield 2
    except ValueError:
        yield 'inner caught'
def outer():
    yield from inner()
    yield 'outer done'
o = outer()
print(next(o), o.throw(ValueError), next(o))
def lazy():
    print('started')
    yield 1
l = lazy()
print('created')
print(next(l))
gen = (i for i in range(3))
print(type(gen).__name__, list(gen))
def pairs(seq):
    it = iter(seq)
    for a in it:
        yield a, next(it, None)
print(list(pairs([1, 2, 3, 4, 5])))
