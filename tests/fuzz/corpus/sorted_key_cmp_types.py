print(sorted([3, 1.5, 2, True]), sorted(['b', 'A', 'a']), sorted([(1, 2), (1,), ()]))
print(sorted({'b': 2, 'a': 1}.items(), key=lambda kv: kv[1], reverse=True))
