class CM:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress
    def __enter__(self):
        print('enter', self.name)
        return self
    def __exit__(self, t, v, tb):
        print('exit', self.name, t.__name__ if t else None, v)
        return self.suppress
with CM('a') as c:
    print('body', c.name)
with CM('b', True):
    raise ValueError('boom')
print('after')
try:
    with CM('c'):
        raise KeyError('k')
except KeyError:
    print('propagated')
with CM('x') as x, CM('y') as y:
    print('both', x.name, y.name)
def f():
    with CM('r'):
        return 'returned'
print(f())
for i in range(2):
    with CM('loop%d' % i):
        if i == 0:
            continue
        break
