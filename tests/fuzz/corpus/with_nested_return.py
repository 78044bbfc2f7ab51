class CM:
    def __init__(self, n): self.n = n
    def __enter__(self): print('enter', self.n); return self
    def __exit__(self, *a): print('exit', self.n)
def f():
    with CM(1):
        with CM(2):
            return 'r'
print(f())
def g():
    for i in range(3):
        with CM(i):
            if i == 1:
                break
    return i
print(g())
