class M:
    def __init__(self, v): self.v = v
    def __radd__(self, o): return 'radd %s' % o
    def __rsub__(self, o): return 'rsub %s' % o
    def __rtruediv__(self, o): return 'rdiv %s' % o
    def __rpow__(self, o): return 'rpow %s' % o
m = M(1)
print(1 + m, 2 - m, 3 / m, 4 ** m, sum([M(1)], 0) if False else 'x')
