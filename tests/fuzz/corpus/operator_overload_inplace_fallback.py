class N:
    def __init__(self, v): self.v = v
    def __add__(self, o): return N(self.v + (o.v if isinstance(o, N) else o))
    def __repr__(self): return 'N(%d)' % self.v
n = N(1)
m = n
n += 5
print(n, m, n is m)
n += N(2)
print(n)
