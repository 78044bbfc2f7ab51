# Cancelling a task while it sleeps: CancelledError at the await, finally blocks run, a task that
# catches the cancellation continues, cancel() of a finished task is False.
import asyncio


async def sleeper(name, catch=False):
    try:
        print(name, "sleeping")
        await asyncio.sleep(1)
        print(name, "not reached")
    except asyncio.CancelledError:
        print(name, "got CancelledError")
        if not catch:
            raise
        await asyncio.sleep(0)
        return name + " survived"
    finally:
        print(name, "finally")


async def main():
    t = asyncio.create_task(sleeper("t1"))
    await asyncio.sleep(0.01)
    print("cancel ->", t.cancel())
    print("done right after cancel:", t.done())
    try:
        await t
    except asyncio.CancelledError:
        print("await raised CancelledError")
    print(t.done(), t.cancelled(), t.cancel())
    try:
        t.result()
    except asyncio.CancelledError:
        print("result() raises CancelledError")
    t2 = asyncio.create_task(sleeper("t2", catch=True))
    await asyncio.sleep(0.01)
    t2.cancel()
    print(await t2, t2.cancelled())
    t3 = asyncio.create_task(sleeper("t3"))
    t3.cancel()
    try:
        await t3
    except asyncio.CancelledError:
        print("cancelled before it started")
    print(issubclass(asyncio.CancelledError, BaseException), issubclass(asyncio.CancelledError, Exception))

    async def many(i):
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            print("many", i, "cancelled")
            raise

    ts = [asyncio.create_task(many(i)) for i in range(4)]
    await asyncio.sleep(0)
    for t in reversed(ts):
        t.cancel()
    for t in ts:
        try:
            await t
        except asyncio.CancelledError:
            pass
    print([t.cancelled() for t in ts])


asyncio.run(main())
