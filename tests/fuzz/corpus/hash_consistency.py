print(hash(1) == hash(1.0) == hash(True), hash('abc') == hash('ab' + 'c'), hash((1, 'a')) == hash((1, 'a')), hash(None) == hash(None))
d = {1: 'a'}
print(d[1.0], d[True])
