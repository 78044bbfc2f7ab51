def g():
    x = yield from range(3)
    return x
print(list(g()), {**{1:2}}, [*range(2)], (a := 5))
match = 1
