class P:
    count = 0
    def __init__(self):
        P.count += 1
        self.id = P.count
    def __eq__(self, other):
        return isinstance(other, P) and self.id == other.id
    __hash__ = None
a = P(); b = P()
print(a.id, b.id, a == b, a != b, P.count)
try:
    hash(a)
except TypeError as e:
    print('TypeError', e)
class Slots:
    def __init__(self):
        self.__private = 1
    def get(self):
        return self.__private
print(Slots().get())
class Dyn: pass
Dyn.x = 5
d = Dyn()
print(d.x, getattr(Dyn, 'x'), 'x' in Dyn.__dict__)
print(P.__name__, type(P).__name__, type(a) is P, a.__class__.__name__)
class G:
    def __getattr__(self, name):
        return 'default-' + name
g = G(); g.real = 1
print(g.real, g.anything)
class S:
    def __setattr__(self, name, value):
        object.__setattr__(self, name, value * 2)
s = S(); s.v = 4; print(s.v)
class Str:
    def __str__(self): return 'str!'
print(str(Str()), '%s' % Str(), f'{Str()}', [Str()][0].__str__())
