class A:
    def m(self, x):
        return ('m', x)
a = A()
bound = a.m
print(bound(1), A.m(a, 2), bound.__self__ is a, bound == a.m)
f = [].append
l2 = [1]
g = l2.append
g(2)
print(l2)
