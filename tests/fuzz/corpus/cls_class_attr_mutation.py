class C:
    shared = []
    def __init__(self, v):
        self.shared.append(v)
        self.own = [v]
a, b = C(1), C(2)
print(C.shared, a.own, b.own, a.shared is b.shared)
