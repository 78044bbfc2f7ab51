people = [('alice', 30), ('bob', 25), ('carol', 35), ('dave', 25)]
print(sorted(people, key=lambda p: p[1]))
print(sorted(people, key=lambda p: (-p[1], p[0])))
print(min(people, key=lambda p: p[1]), max(people, key=lambda p: p[1]))
print(sorted('The quick Brown fox'.split(), key=str.lower))
l = list(range(20))
l.sort(key=lambda v: v % 5)
print(l)
print(min([], default='empty'), max(3, 1, 2), min('abc'))
