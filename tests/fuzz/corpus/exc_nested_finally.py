log = []
def f():
    try:
        try:
            log.append('a')
            raise ValueError
        finally:
            log.append('b')
    except ValueError:
        log.append('c')
    finally:
        log.append('d')
    return log
print(f())
def g():
    try:
        raise KeyError
    except KeyError:
        try:
            raise IndexError
        except IndexError:
            pass
        return 'ok'
print(g())
def k():
    try:
        return 1
    finally:
        return 2
print(k())
def loop():
    out = []
    for i in range(4):
        try:
            try:
                if i % 2:
                    raise ValueError(i)
                out.append(i)
            finally:
                out.append('f')
        except ValueError as e:
            out.append(('e', e.args[0]))
    return out
print(loop())
def swallow():
    try:
        raise ValueError('x')
    finally:
        return 'swallowed'
print(swallow())
