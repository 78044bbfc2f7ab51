class Q:
    def __init__(self, v): self.v = v
    def __repr__(self): return 'Q%r' % (self.v,)
for name, op in [('add', '+'), ('sub', '-'), ('mul', '*'), ('truediv', '/'), ('floordiv', '//'), ('mod', '%'), ('pow', '**'), ('lshift', '<<'), ('rshift', '>>'), ('and', '&'), ('or', '|'), ('xor', '^')]:
    setattr(Q, '__%s__' % name, (lambda op: lambda s, o: Q((op, s.v, o)))(op))
q = Q(1)
print(q + 2, q - 2, q * 2, q / 2, q // 2, q % 2, q ** 2, q << 2, q >> 2, q & 2, q | 2, q ^ 2)
