# wait_for: the result when in time, TimeoutError and the inner task cancelled when not,
# a timeout of None waits forever, TimeoutError is the builtin.
import asyncio


async def slow(delay, value):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print("slow", value, "cancelled")
        raise
    return value


async def main():
    print(await asyncio.wait_for(slow(0.01, "fast enough"), 1))
    try:
        await asyncio.wait_for(slow(1, "too slow"), 0.02)
    except asyncio.TimeoutError:
        print("TimeoutError")
    print(asyncio.TimeoutError is TimeoutError)
    print(await asyncio.wait_for(slow(0.01, "no limit"), None))
    t = asyncio.create_task(slow(1, "task"))
    try:
        await asyncio.wait_for(t, 0.01)
    except TimeoutError:
        print("task timed out, cancelled:", t.cancelled())

    async def boom():
        await asyncio.sleep(0.01)
        raise KeyError("inner")

    try:
        await asyncio.wait_for(boom(), 1)
    except KeyError as e:
        print("inner exception propagates:", e)
    results = []
    for d in (0.01, 0.05, 0.01):
        try:
            results.append(await asyncio.wait_for(slow(d, d), 0.03))
        except asyncio.TimeoutError:
            results.append("timeout")
    print(results)

    async def outer():
        return await asyncio.wait_for(slow(1, "under cancelled wait_for"), 5)

    async def instant():
        print("instant ran")
        return "instant"

    for timeout in (0, -1):
        try:
            print(await asyncio.wait_for(instant(), timeout))
        except asyncio.TimeoutError:
            print("zero timeout: TimeoutError")
    done = asyncio.create_task(instant())
    await asyncio.sleep(0)
    print(await asyncio.wait_for(done, 0))
    o = asyncio.create_task(outer())
    await asyncio.sleep(0.01)
    o.cancel()
    try:
        await o
    except asyncio.CancelledError:
        print("outer cancelled")


asyncio.run(main())
