for exc in [ZeroDivisionError, KeyError, IndexError, ValueError, TypeError, AttributeError, NameError, StopIteration, OSError, RuntimeError, NotImplementedError, RecursionError, UnboundLocalError, ModuleNotFoundError]:
    print(exc.__name__, [b.__name__ for b in exc.__mro__])
