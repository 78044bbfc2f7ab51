inv = {'apples': 3, 'pears': 0}
def add(item, n=1):
    inv[item] = inv.get(item, 0) + n
add('apples'); add('kiwis', 5); add('pears', 2)
print(sorted(inv.items()), sum(inv.values()), [k for k, v in inv.items() if v > 2])
