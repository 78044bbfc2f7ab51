class A:
    def who(self): return 'A'
    def hello(self): return 'hello from ' + self.who()
class B(A):
    def who(self): return 'B'
class C(A):
    def who(self): return 'C'
class D(B, C):
    pass
print(D().hello(), [k.__name__ for k in D.__mro__])
class Base:
    def __init__(self, x):
        self.x = x
class Mid(Base):
    def __init__(self, x, y):
        super().__init__(x)
        self.y = y
class Leaf(Mid):
    def __init__(self):
        super(Leaf, self).__init__(1, 2)
l = Leaf()
print(l.x, l.y, isinstance(l, Base), type(l).__bases__[0].__name__)
class X:
    def m(self): return 'X.m'
class Y(X):
    def m(self): return 'Y.m+' + super().m()
class Z(Y):
    def m(self): return 'Z.m+' + super().m()
print(Z().m())
class Left:
    def f(self): return 'Left'
class Right:
    def f(self): return 'Right'
    def g(self): return 'Right.g'
class Both(Left, Right): pass
print(Both().f(), Both().g())
class WithClassAttr:
    items = []
    def add(self, v):
        self.items.append(v)
w1 = WithClassAttr(); w2 = WithClassAttr(); w1.add(1); w2.add(2)
print(WithClassAttr.items)
class Meta:
    @classmethod
    def create(cls, *args):
        obj = cls()
        obj.args = args
        return obj
class Sub(Meta): pass
s = Sub.create(1, 2)
print(type(s).__name__, s.args)
