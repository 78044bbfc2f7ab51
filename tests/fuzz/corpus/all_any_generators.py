print(all(x > 0 for x in [1, 2, 3]), all(x > 1 for x in [1, 2]), any(x == 2 for x in [1, 2]), any([]), all([]))
count = 0
def gen():
    global count
    for i in range(10):
        count += 1
        yield i
print(any(v > 2 for v in gen()), count)
