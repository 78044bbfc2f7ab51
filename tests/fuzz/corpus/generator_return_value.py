def g():
    yield 1
    return 'done'
it = g()
print(next(it))
try:
    next(it)
except StopIteration as e:
    print('stop', e.value)
def d():
    r = yield from g()
    print('got', r)
print(list(d()))
