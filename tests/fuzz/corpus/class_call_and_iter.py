class Counter:
    def __init__(self): self.n = 0
    def __call__(self, inc=1):
        self.n += inc
        return self.n
c = Counter()
c(); c(5)
print(c.n, c(), callable(c))
class Rng:
    def __init__(self, n): self.n = n
    def __iter__(self):
        i = 0
        while i < self.n:
            yield i
            i += 1
print(list(Rng(4)), sum(Rng(5)), [x for x in Rng(2)])
