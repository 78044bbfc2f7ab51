print(list((i, j) for i in range(3) for j in range(i)), sum(sum(r) for r in [[1, 2], [3]]), max((len(w), w) for w in ['aa', 'b', 'ccc']))
