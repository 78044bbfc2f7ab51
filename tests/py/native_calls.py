# @micropython.native: calls, closures, methods, globals and defaults behave as in bytecode (and CPython).
try:
    import micropython
except ImportError:
    class micropython:  # CPython: the decorators do nothing
        native = staticmethod(lambda f: f)
        viper = staticmethod(lambda f: f)


@micropython.native
def logic(a, b):
    return (a and b), (a or b), (not a), (a if b else "no"), (a is None), (b is not None), 1 < a < 10


for a, b in [(0, 1), (5, None), (0, "x"), (3, 0), (20, 2)]:
    print(logic(a, b))


@micropython.native
def calls(f, *args, **kw):
    return f(*args, **kw)


def target(a, b=2, *rest, c=3, **kw):
    return a, b, rest, c, sorted(kw.items())


print(calls(target, 1))
print(calls(target, 1, 5, 6, 7, c=9, z=1))
print(calls(max, [3, 1, 4], key=lambda v: -v))


@micropython.native
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


print(fib(20))


def make_counter(start):
    count = start

    @micropython.native
    def inc(step=1):
        nonlocal count
        count += step
        return count

    return inc


c = make_counter(10)
print(c(), c(5), c())


@micropython.native
def outer(x):
    def inner(y):
        return x * y  # closure over a native function's cell

    return [inner(i) for i in range(4)]


print(outer(3))


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    @micropython.native
    def dist2(self, other):
        dx = self.x - other.x
        dy = self.y - other.y
        return dx * dx + dy * dy

    @micropython.native
    def __repr__(self):
        return "Point(%r, %r)" % (self.x, self.y)


print(Point(1, 2).dist2(Point(4, 6)), Point(1, 2), [Point(0, 0)])

G = 100


@micropython.native
def use_global(v):
    global G
    G += v
    return G


print(use_global(5), use_global(-1), G)


@micropython.native
def default_args(a, b=[1], *, c=None):
    return a, b, c


print(default_args(1), default_args(2, 3, c=4))


@micropython.native
def nothing():
    pass


print(nothing())
