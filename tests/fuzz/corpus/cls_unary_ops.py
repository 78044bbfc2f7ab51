class U:
    def __neg__(self): return 'neg'
    def __pos__(self): return 'pos'
    def __invert__(self): return 'inv'
    def __abs__(self): return 'abs'
    def __bool__(self): return False
    def __len__(self): return 7
u = U()
print(-u, +u, ~u, abs(u), bool(u), not u, len(u), 'yes' if u else 'no')
