rows = [('apple', 3, 0.5), ('banana', 12, 0.25), ('cherry', 100, 2.0)]
for name, qty, price in rows:
    print(f'{name:<10}|{qty:>5}|{price:>8.2f}|{qty * price:>9.3f}')
print('-' * 35)
print(f"{'total':<10}|{sum(r[1] for r in rows):>5}|")
