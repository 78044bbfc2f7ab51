e = ValueError(1, 2)
print(e.args)
e.args = ('changed',)
print(e, e.args)
class E(Exception):
    pass
x = E()
x.extra = 5
print(x.extra, str(x), repr(x))
