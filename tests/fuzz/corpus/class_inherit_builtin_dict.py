class D(dict):
    def __missing__(self, k):
        return k * 2
d = D(a=1)
print(d['a'], d['bb'], len(d), 'a' in d, sorted(d.items()))
