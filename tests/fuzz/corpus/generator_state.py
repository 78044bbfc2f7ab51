def g():
    yield 1
x = g()
print(list(x), list(x))
try:
    next(x)
except StopIteration:
    print('exhausted')
def bad():
    yield 1
    raise ValueError('in gen')
b = bad()
print(next(b))
try:
    next(b)
except ValueError as e:
    print('ValueError', e)
try:
    next(b)
except StopIteration:
    print('stopped')
