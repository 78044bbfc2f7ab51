for v in [0, 1, -1, 12345, -98765, 2**40, 3.0, -2.5, 1e-5, 123.456]:
    print(repr(v), type(v).__name__, type(eval(repr(v))).__name__, eval(repr(v)) == v)
