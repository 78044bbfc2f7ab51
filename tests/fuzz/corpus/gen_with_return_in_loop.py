def first_even(seq):
    for x in seq:
        if x % 2 == 0:
            return x
        yield x
print(list(first_even([1, 3, 4, 5])))
g = first_even([2])
try:
    next(g)
except StopIteration as e:
    print('returned', e.value)
