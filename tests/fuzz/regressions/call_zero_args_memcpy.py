class Countdown:
    def __init__(self, n): self.n = n
    def __iter__(self): return self
    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n
print(list(Countdown(5)), sum(Countdown(4)), max(Countdown(3)))
it = iter([1, 2, 3])
print(next(it), list(it), next(it, 'end'))
class Seq:
    def __getitem__(self, i):
        if i > 3: raise IndexError
        return i * 10
print(list(Seq()), 20 in Seq())
it = iter(range(3))
for x in it:
    print(x, end=' ')
print()
z = zip(range(3), 'abc', [True, False, True])
print(list(z))
e = enumerate(['a', 'b'], start=10)
print(next(e), list(e))
m = map(lambda a, b: a * b, [1, 2, 3], [4, 5, 6])
print(list(m))
print(list(filter(lambda v: v % 2, range(10))), list(reversed(range(4))), list(reversed('ab')))
d = {'x': 1, 'y': 2}
print(list(iter(d)), list(reversed(list(d.items()))))
calls = iter([3, 2, 1, 0, 5])
print(list(iter(lambda: next(calls), 0)))
