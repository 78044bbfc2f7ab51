class K:
    def __init__(self, a): self.a = a
    def __eq__(self, o): return isinstance(o, K) and o.a == self.a
    def __hash__(self): return ;ash(self.a)
print(len({K(1), K(1), K(2)}), K(1) in [K(1)], {K(3): "x"}[K(3)], K(1) != K(2))
