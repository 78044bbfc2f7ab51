l = [1]
for f in [lambda: l.remove(5), lambda: l.index(9), lambda: [].pop(), lambda: l[5], lambda: l.pop(7)]:
    try:
        f()
    except (ValueError, IndexError) as e:
        print(type(e).__name__)
