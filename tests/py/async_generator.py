# Async generators: async for over them, __anext__/asend/athrow/aclose, finally on close.
class Tick:
    def __await__(self):
        yield "tick"


def run(coro):
    try:
        while True:
            coro.send(None)
    except StopIteration as e:
        return e.value


async def agen(n):
    try:
        for i in range(n):
            await Tick()
            got = yield i
            if got is not None:
                print("got", got)
    finally:
        print("agen finally")


async def main():
    print([x async for x in agen(3)])
    g = agen(5)
    print(type(g).__name__)
    print(g.__aiter__() is g)
    print(await g.__anext__())
    print(await g.asend("hello"))
    try:
        await g.athrow(ValueError("thrown"))
    except ValueError as e:
        print("athrow propagated", e)
    try:
        await g.__anext__()
    except StopAsyncIteration:
        print("exhausted")
    g2 = agen(5)
    await g2.__anext__()
    await g2.aclose()
    await g2.aclose()
    try:
        await g2.__anext__()
    except StopAsyncIteration:
        print("closed")

    async def catching():
        while True:
            try:
                yield 1
            except KeyError:
                yield "handled"

    c = catching()
    await c.__anext__()
    print(await c.athrow(KeyError))
    out = []
    g3 = agen(4)
    async for v in g3:
        if v == 2:
            break
        out.append(v)
    print(out)
    await g3.aclose()  # a broken-off async generator is finalized explicitly (CPython would at GC)

    async def empty():
        return
        yield

    print([x async for x in empty()])


run(main())


async def genexps():
    async def num(x):
        await Tick()
        return x

    g = (x * 2 async for x in agen(3))
    print(type(g).__name__)
    print([v async for v in g])
    print([v async for v in (await num(i) for i in range(3))])
    print([v async for v in (x async for x in agen(2) if x)])


def sync_maker():
    return (x async for x in agen(2))


async def use_sync_maker():
    return [v async for v in sync_maker()]


run(genexps())
print(run(use_sync_maker()))
