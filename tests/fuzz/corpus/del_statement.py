x = 1
del x
try:
    x
except NameError:
    print('gone')
l = list(range(6))
del l[0], l[-1]
print(l)
d = {'a': 1, 'b': 2}
del d['a']
print(d)
class C: pass
c = C()
c.a = 1
del c.a
print(hasattr(c, 'a'))
a, b = 1, 2
del a, b
print('ok')
