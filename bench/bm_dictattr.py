# bm_dictattr.py: dict lookups/updates and attribute access on instances.


class Item:
    def __init__(self, key, value):
        self.key = key
        self.value = value
        self.hits = 0

    def touch(self):
        self.hits += 1
        return self.value


def work(n):
    table = {}
    for i in range(1000):
        table[f"k{i}"] = Item(i, i * 2)
    keys = list(table)
    acc = 0
    counts = {}
    for r in range(n):
        for k in keys[r % 7 :: 13]:
            it = table[k]
            acc += it.touch()
            counts[it.key % 10] = counts.get(it.key % 10, 0) + 1
    return acc, sorted(counts.items())[:3]


print(work(8000))
