words = ['apple', 'bob', 'cat', 'apple']
print({w: len(w) for w in words}, sorted({len(w) for w in words}))
print({k: v for k, v in enumerate('abc') if k != 1})
inv = {v: k for k, v in {'a': 1, 'b': 2}.items()}
print(inv)
