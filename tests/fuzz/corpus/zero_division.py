for a, b in [(1, 0), (1.0, 0), (1, 0.0), (5, 0)]:
    for op in ['/', '//', '%']:
        try:
            eval('a %s b' % op)
        except ZeroDivisionError as e:
            print(op, e)
