# async for over user classes: __aiter__/__anext__, break/continue/else, errors from __anext__.
class Tick:
    def __await__(self):
        yield "tick"


class Counter:
    def __init__(self, n, fail_at=None):
        self.n = n
        self.i = 0
        self.fail_at = fail_at

    def __aiter__(self):
        return self

    async def __anext__(self):
        await Tick()
        if self.i == self.fail_at:
            raise ValueError("fail at %d" % self.i)
        if self.i >= self.n:
            raise StopAsyncIteration
        self.i += 1
        return self.i


def run(coro):
    ticks = 0
    try:
        while True:
            coro.send(None)
            ticks += 1
    except StopIteration as e:
        return e.value, ticks


async def loops():
    out = []
    async for x in Counter(5):
        if x == 2:
            continue
        if x == 4:
            break
        out.append(x)
    else:
        out.append("no else after break")
    async for x in Counter(2):
        out.append(x * 100)
    else:
        out.append("else")
    async for a in Counter(0):
        out.append("never")
    try:
        async for x in Counter(5, fail_at=3):
            out.append(x)
    except ValueError as e:
        out.append(str(e))
    for i in range(2):
        async for x in Counter(3):
            for j in range(2):
                if j == 1:
                    break
                out.append((i, x, j))
    return out


print(run(loops()))


async def early_return():
    async for x in Counter(10):
        if x == 3:
            return "returned at %d" % x
    return "end"


print(run(early_return()))


async def in_try():
    n = 0
    try:
        async for x in Counter(3):
            n += x
            if x == 2:
                raise KeyError(x)
    except KeyError as e:
        return n, repr(e)
    finally:
        print("finally")


print(run(in_try()))


class SyncAiter:
    """__anext__ returning a plain awaitable object rather than a coroutine."""

    def __init__(self):
        self.left = 2

    def __aiter__(self):
        return self

    def __anext__(self):
        return Value(self)


class Value:
    def __init__(self, owner):
        self.owner = owner

    def __await__(self):
        yield "v"
        if self.owner.left == 0:
            raise StopAsyncIteration
        self.owner.left -= 1
        return self.owner.left


async def plain():
    return [x async for x in SyncAiter()]


print(run(plain()))
