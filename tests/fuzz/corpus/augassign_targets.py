l = [1, 2, 3]
l[0] += 10
l[-1] *= 2
print(l)
d = {'a': 1}
d['a'] -= 5
d.setdefault('b', 0)
d['b'] += 1
print(d)
class C: pass
c = C()
c.v = 1
c.v <<= 3
print(c.v)
s = 'ab'
s += 'cd'
s *= 2
print(s)
t = (1,)
t += (2,)
print(t)
m = [[0]]
m[0][0] += 5
print(m)
