# gather: results in argument order, return_exceptions, the first exception propagates while the
# others keep running, nested gathers, cancelling a gather cancels its children.
import asyncio


async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    print("job", name, "finished")
    if fail:
        raise ValueError(name)
    return name.upper()


async def main():
    print(await asyncio.gather(job("a", 0.03), job("b", 0.01), job("c", 0.02)))
    print(await asyncio.gather())
    print(await asyncio.gather(job("x", 0.01, True), job("y", 0.02), return_exceptions=True))
    try:
        await asyncio.gather(job("slow", 0.05), job("bad", 0.01, True))
    except ValueError as e:
        print("gather raised", e)
    await asyncio.sleep(0.06)
    print("slow kept running")
    print(await asyncio.gather(asyncio.gather(job("n1", 0.01), job("n2", 0)), job("n3", 0.02)))
    t = asyncio.create_task(job("task", 0.01))
    print(await asyncio.gather(t, job("coro", 0)))

    async def forever(i):
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            print("child", i, "cancelled")
            raise

    async def both():
        return await asyncio.gather(forever(1), forever(2))

    g = asyncio.create_task(both())
    await asyncio.sleep(0.01)
    g.cancel()
    try:
        await g
    except asyncio.CancelledError:
        print("gather cancelled")

    async def cancelled_child():
        t = asyncio.create_task(forever(3))
        await asyncio.sleep(0)
        t.cancel()
        return await asyncio.gather(t, return_exceptions=True)

    r = await cancelled_child()
    print([type(x).__name__ for x in r])


asyncio.run(main())
