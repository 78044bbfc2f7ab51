for e in [ValueError(), ValueError('one'), ValueError('one', 'two'), KeyError('k'), KeyError(1, 2), IndexError(5)]:
    print(repr(e), str(e), e.args)
