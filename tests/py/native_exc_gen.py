# @micropython.native: exceptions (try/except/finally, with, raise from, unwinding through native and
# bytecode frames) and generators (yield, yield from, send, throw, close) behave as in bytecode.
try:
    import micropython
except ImportError:
    class micropython:  # CPython: the decorators do nothing
        native = staticmethod(lambda f: f)


@micropython.native
def divide(a, b):
    try:
        r = a // b
    except ZeroDivisionError as e:
        r = "div0: " + str(e)
    except TypeError:
        r = "type"
    else:
        r = ("ok", r)
    finally:
        print("finally", a, b)
    return r


print(divide(7, 2))
print(divide(1, 0))
print(divide("a", 1))


@micropython.native
def nested(n):
    log = []
    for i in range(n):
        try:
            try:
                if i % 2:
                    raise ValueError(i)
                log.append(("even", i))
            finally:
                log.append(("inner-finally", i))
        except ValueError as e:
            log.append(("caught", e.args[0]))
            continue
        log.append(("after", i))
    return log


print(nested(4))


@micropython.native
def raiser(kind):
    if kind == 1:
        raise KeyError("k")
    if kind == 2:
        try:
            {}["missing"]
        except KeyError as e:
            raise RuntimeError("wrapped") from e
    if kind == 3:
        try:
            raise IndexError("inner")
        except IndexError:
            raise  # bare re-raise
    return "none"


def bytecode_caller(kind):
    try:
        return raiser(kind)
    except Exception as e:
        return type(e).__name__, str(e), type(e.__cause__).__name__ if e.__cause__ else None


for k in range(4):
    print(bytecode_caller(k))


class Ctx:
    def __init__(self, name, swallow=False):
        self.name = name
        self.swallow = swallow

    def __enter__(self):
        print("enter", self.name)
        return self.name.upper()

    def __exit__(self, t, v, tb):
        print("exit", self.name, t.__name__ if t else None)
        return self.swallow


@micropython.native
def with_blocks(fail):
    with Ctx("a") as a, Ctx("b", swallow=True) as b:
        print("body", a, b)
        if fail:
            raise ValueError("x")
    with Ctx("c"):
        pass
    return "done"


print(with_blocks(False))
print(with_blocks(True))


@micropython.native
def deep(n):
    if n == 0:
        raise OSError(5, "deep")
    return deep(n - 1)


try:
    deep(12)
except OSError as e:
    print("OSError", e.args)


@micropython.native
def squares(n):
    for i in range(n):
        yield i * i
    return "end"


@micropython.native
def delegate(n):
    r = yield from squares(n)
    yield r


print(list(squares(5)), list(delegate(3)))


@micropython.native
def accumulator():
    total = 0
    while True:
        try:
            v = yield total
        except ValueError:
            total = -1
            continue
        if v is None:
            return total
        total += v


g = accumulator()
print(next(g), g.send(5), g.send(10), g.throw(ValueError), g.send(3))
try:
    g.send(None)
except StopIteration as e:
    print("stop", e.value)


@micropython.native
def closing():
    try:
        yield 1
        yield 2
    finally:
        print("cleanup")


g = closing()
print(next(g))
g.close()
print(sum(x for x in squares(10)), sorted(squares(4), reverse=True))


@micropython.native
def unbound(flag):
    if flag:
        x = 1
    return x


try:
    unbound(False)
except NameError as e:  # UnboundLocalError
    print(type(e).__name__)
print(unbound(True))
