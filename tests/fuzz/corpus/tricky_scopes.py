def f(*, a, b=1, **k):
    global g
    nonlocal_ = lambda: (yield)
    return [i async for i in a] if 0 else 0
