# Coroutines driven by hand: await chains, return values, send/throw/close, the coroutine type.
class Tick:
    def __init__(self, tag):
        self.tag = tag

    def __await__(self):
        got = yield self.tag
        return got


async def leaf(x):
    a = await Tick("leaf-%d" % x)
    return x * 10 + a


async def middle(n):
    total = 0
    for i in range(n):
        total += await leaf(i)
    return total


async def nothing():
    pass


def drive(coro, answers):
    sent = None
    it = iter(answers)
    try:
        while True:
            tag = coro.send(sent)
            print("yielded", tag)
            sent = next(it)
    except StopIteration as e:
        return e.value


print(drive(middle(3), [1, 2, 3]))
c = nothing()
print(type(c).__name__)
print(drive(c, []))
try:
    c.send(None)
except RuntimeError as e:
    print("RuntimeError:", e)


async def catcher():
    try:
        await Tick("first")
    except KeyError as e:
        print("caught", repr(e))
        await Tick("after")
        return "recovered"


c = catcher()
print(c.send(None))
print(c.throw(KeyError("k")))
try:
    c.send(None)
except StopIteration as e:
    print("stop", e.value)


async def closer():
    try:
        await Tick("x")
    finally:
        print("finally ran")


c = closer()
c.send(None)
c.close()
print(closer.__name__, c.__name__ if hasattr(c, "__name__") else "")


async def recursive(n):
    if n == 0:
        return 0
    return 1 + await recursive(n - 1)


print(drive(recursive(20), []))


async def with_default(a, b=2, *args, k=3, **kw):
    return a + b + sum(args) + k + sum(kw.values())


print(drive(with_default(1, 2, 3, 4, k=5, z=6), []))
print(drive((lambda: with_default(1))(), []))


class Awaitable:
    def __await__(self):
        return leaf(7).__await__()


async def uses_awaitable():
    return await Awaitable()


print(drive(uses_awaitable(), [5]))
