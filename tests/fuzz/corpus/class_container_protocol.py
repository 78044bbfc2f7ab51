class Bag:
    def __init__(self): self.d = {}
    def __setitem__(self, k, v): self.d[k] = v
    def __getitem__(self, k): return self.d[k]
    def __delitem__(self, k): del self.d[k]
    def __len__(self): return len(self.d)
    def __contains__(self, k): return k in self.d
    def __iter__(self): return iter(sorted(self.d))
b = Bag()
b['x'] = 1
b['y'] = 2
del b['x']
b['z'] = 3
print(len(b), 'y' in b, 'x' in b, list(b), b['z'], bool(b))
try:
    b['q']
except KeyError as e:
    print('KeyError', e)
