d = {'a': 0, 'b': None, 'c': False}
print(d.get('a', 5), d.get('b', 5), d.get('c', 5), d.get('z'), 'b' in d, d.pop('c'), len(d))
