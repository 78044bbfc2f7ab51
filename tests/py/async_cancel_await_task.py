# Cancelling a task that awaits another task cancels the inner task too (CPython's rule);
# an exception raised by the awaited task propagates to every awaiter.
import asyncio


async def inner(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print(name, "inner cancelled")
        raise
    return "inner done"


async def outer(t):
    try:
        return await t
    except asyncio.CancelledError:
        print("outer sees CancelledError")
        raise


async def failing():
    await asyncio.sleep(0.01)
    raise ValueError("inner failed")


async def waiter(t, i):
    try:
        await t
    except ValueError as e:
        print("waiter", i, "got", e)


async def main():
    it = asyncio.create_task(inner("a"))
    ot = asyncio.create_task(outer(it))
    await asyncio.sleep(0.01)
    ot.cancel()
    try:
        await ot
    except asyncio.CancelledError:
        print("outer cancelled:", ot.cancelled(), "inner cancelled:", it.cancelled())

    f = asyncio.create_task(failing())
    ws = [asyncio.create_task(waiter(f, i)) for i in range(3)]
    for w in ws:
        await w
    try:
        await f
    except ValueError as e:
        print("main got", e, type(f.exception()).__name__)

    async def swallow():
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            return "swallowed"

    s = asyncio.create_task(swallow())
    o = asyncio.create_task(outer(s))
    await asyncio.sleep(0.01)
    o.cancel()
    print(await o, o.cancelled(), s.cancelled())


asyncio.run(main())
