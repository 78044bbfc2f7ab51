class C:
    def __init__(self):
        self._x = 0
    @property
    def x(self):
        return self._x
    @x.setter
    def x(self, v):
        if v < 0:
            raise ValueError('neg')
        self._x = v
    @x.deleter
    def x(self):
        print('deleting')
    @staticmethod
    def s(a, b):
        return a + b
    @classmethod
    def make(cls):
        return cls()
    @property
    def double(self):
        return self._x * 2
c = C()
c.x = 5
print(c.x, c.double, C.s(1, 2), c.s(3, 4), type(C.make()).__name__)
try:
    c.x = -1
except ValueError as e:
    print('ValueError', e)
try:
    c.double = 3
except AttributeError:
    print('AttributeError')
del c.x
class D(C):
    @classmethod
    def name(cls):
        return cls.__name__
print(D.name(), D().name(), isinstance(D.make(), D))
