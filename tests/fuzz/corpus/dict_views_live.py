d = {'a': 1}
ks = d.keys()
vs = d.values()
d['b'] = 2
print(list(ks), list(vs), len(ks))
