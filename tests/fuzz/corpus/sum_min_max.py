print(sum([]), sum([1.5, 2]), sum(range(5), 10), min(4, 2, 8), max('b', 'a'), max([3, 1], key=lambda x: -x))
print(min([(2, 'b'), (1, 'z'), (1, 'a')]), max({'a': 3, 'b': 1}, key=lambda k: {'a': 3, 'b': 1}[k]))
try:
    max([])
except ValueError as e:
    print('ValueError', e)
