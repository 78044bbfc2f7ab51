print(list(reversed([1, 2, 3])), list(reversed(range(3))), list(reversed('abc')), list(reversed((1, 2))), sorted('cba'), sorted((3, 1, 2)))
