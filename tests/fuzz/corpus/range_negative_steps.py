print(list(range(10, -1, -2)), list(range(-1, -10, -3)), len(range(5, 5)), len(range(5, 0)), len(range(0, -10, -1)), range(0, 10, 3)[-1], 8 in range(0, 10, 3), 9 in range(0, 10, 3))
