tests = [lambda: 1 + 'a', lambda: 'a' + 1, lambda: [] + (), lambda: len(5), lambda: 5(), lambda: None[0], lambda: 1 < 'a', lambda: -'a', lambda: iter(5), lambda: {}[[]]]
for t in tests:
    try:
        t()
    except TypeError as e:
        print(e)
