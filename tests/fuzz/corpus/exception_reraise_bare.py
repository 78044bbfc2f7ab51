def f():
    try:
        raise KeyError('a')
    except KeyError:
        try:
            raise ValueError('b')
        except ValueError:
            pass
        raise
try:
    f()
except Exception as e:
    print(type(e).__name__, e)
