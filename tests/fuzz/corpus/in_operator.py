print(1 in [1, 2], 3 not in (1, 2), 'ab' in 'cabd', 'k' in {'k': 1}, 2 in {1, 2}, 5 in range(10), 10 in range(10), 'x' in '', [] in [[]])
