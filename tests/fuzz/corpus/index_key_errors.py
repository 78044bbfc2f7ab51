for f in [lambda: [][0], lambda: (1,)[5], lambda: 'ab'[9], lambda: {}['x'], lambda: {1: 2}[3], lambda: range(3)[5]]:
    try:
        f()
    except (IndexError, KeyError) as e:
        print(type(e).__name__, e)
