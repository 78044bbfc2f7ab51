class V:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __repr__(self):
        return 'V(%r, %r)' % (self.x, self.y)
    def __str__(self):
        return '<%s,%s>' % (self.x, self.y)
    def __add__(self, o):
        return V(self.x + o.x, self.y + o.y)
    def __sub__(self, o):
        return V(self.x - o.x, self.y - o.y)
    def __mul__(self, k):
        return V(self.x * k, self.y * k)
    def __rmul__(self, k):
        return self * k
    def __neg__(self):
        return V(-self.x, -self.y)
    def __eq__(self, o):
        return isinstance(o, V) and self.x == o.x and self.y == o.y
    def __hash__(self):
        return hash((self.x, self.y))
    def __lt__(self, o):
        return (self.x, self.y) < (o.x, o.y)
    def __len__(self):
        return 2
    def __getitem__(self, i):
        return (self.x, self.y)[i]
    def __iter__(self):
        yield self.x
        yield self.y
    def __contains__(self, v):
        return v == self.x or v == self.y
    def __bool__(self):
        return bool(self.x or self.y)
    def __call__(self, z):
        return self.x + self.y + z
    def __abs__(self):
        return (self.x ** 2 + self.y ** 2) ** 0.5
a = V(1, 2); b = V(3, 4)
print(a + b, a - b, a * 3, 3 * a, -a, repr(a), str(a), [a])
print(a == V(1, 2), a != b, a < b, sorted([b, a]), len(a), a[1], list(a), 2 in a, 9 in a)
print(bool(V(0, 0)), bool(a), a(10), abs(b), {a: 1}[V(1, 2)], max(a, b))
x, y = a
print(x, y)
class Num:
    def __init__(self, v): self.v = v
    def __iadd__(self, o):
        self.v += o
        return self
    def __index__(self): return self.v
    def __int__(self): return self.v
    def __float__(self): return float(self.v)
n = Num(5); n += 3; print(n.v, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9][n], int(n), float(n), hex(n))
