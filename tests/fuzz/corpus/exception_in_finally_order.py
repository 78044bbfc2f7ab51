def f():
    out = []
    try:
        out.append(1)
        try:
            out.append(2)
            raise ValueError
        finally:
            out.append(3)
    except ValueError:
        out.append(4)
    else:
        out.append(5)
    finally:
        out.append(6)
    return out
print(f())
