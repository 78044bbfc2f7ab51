for f in [lambda: int('x'), lambda: float('y'), lambda: [].index(1), lambda: 'a'.index('b'), lambda: [1].remove(2), lambda: range(0, 1, 0), lambda: chr(-5)]:
    try:
        f()
    except ValueError as e:
        print('ValueError', e)
