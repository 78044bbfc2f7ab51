class P:
    def __init__(self, x): self.x = x
    def __repr__(self): return 'P(%d)' % self.x
    def __str__(self): return 'point %d' % self.x
    def __format__(self, spec): return 'fmt[' + spec + ']'
p = P(3)
print(str(p), repr(p), '%s %r' % (p, p), '{} {!r}'.format(p, p), f'{p} {p!r} {p:xyz}', format(p, 'q'))
