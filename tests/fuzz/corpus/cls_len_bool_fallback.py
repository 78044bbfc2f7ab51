class L:
    def __len__(self): return 0
class N: pass
print(bool(L()), bool(N()), 'empty' if not L() else 'full')
