# bm_generators.py: generator pipelines, comprehensions and sorting.


def numbers(n):
    for i in range(n):
        yield (i * 7919) % 10007


def evens(seq):
    for x in seq:
        if x % 2 == 0:
            yield x


def work(n):
    total = sum(x * x for x in evens(numbers(n)))
    squares = [x * x for x in range(n // 10)]
    table = {x: x % 17 for x in squares}
    ordered = sorted(numbers(n // 5))
    return total, len(table), ordered[len(ordered) // 2]


print(work(1600000))
