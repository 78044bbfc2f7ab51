from collections import deque, namedtuple, OrderedDict, defaultdict, Counter
d = deque()
for i in range(5):
    d.append(i)
d.appendleft(-1)
print(d, len(d), d[0], d[-1], d.popleft(), d.pop(), list(d))
d.rotate(1); print(d)
d2 = deque(range(10), maxlen=3); print(d2, d2.maxlen)
Point = namedtuple('Point', ['x', 'y'])
p = Point(3, 4)
print(p, p.x + p.y, p[0], tuple(p), p._fields, p._replace(x=10), len(p))
a, b = p
print(a, b, p == Point(3, 4), p != Point(4, 3))
P3 = namedtuple('P3', 'a b c', defaults=[0])
print(P3(1, 2), P3(1, 2, 3), P3._make([7, 8, 9]))
od = OrderedDict([('z', 1), ('a', 2)])
od['m'] = 3
od.move_to_end('z')
print(od, list(od.keys()), od.popitem(), od)
dd = defaultdict(int)
for ch in 'mississippi':
    dd[ch] += 1
print(sorted(dd.items()), dd['q'], isinstance(dd, dict))
c = Counter('mississippi')
print(c['s'], c['x'], sorted(c.elements())[:3], c.most_common(1))
