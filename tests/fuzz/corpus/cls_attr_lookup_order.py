class D:
    def __get__(self, obj, typ=None): return 'descriptor'
class A:
    d = D()
    p = property(lambda self: 'prop')
    x = 'class x'
a = A()
a.__dict__['x'] = 'instance x'
print(a.d, a.p, a.x, A.x)
try:
    a.p = 1
except AttributeError:
    print('read-only property')
