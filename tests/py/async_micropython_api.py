# MicroPython-only asyncio names: sleep_ms, wait_for_ms, ThreadSafeFlag, the loop object's API.
import asyncio


async def ms_sleeper(name, ms):
    await asyncio.sleep_ms(ms)
    print("woke", name)
    return ms


async def slow():
    try:
        await asyncio.sleep_ms(1000)
    except asyncio.CancelledError:
        print("slow cancelled")
        raise


async def main():
    print(await asyncio.gather(ms_sleeper("b", 20), ms_sleeper("a", 10), ms_sleeper("zero", 0)))
    print(await asyncio.sleep_ms(0, "result passes through"))
    print(await asyncio.wait_for_ms(ms_sleeper("in time", 5), 100))
    try:
        await asyncio.wait_for_ms(slow(), 10)
    except asyncio.TimeoutError:
        print("wait_for_ms timed out")

    flag = asyncio.ThreadSafeFlag()

    async def flag_waiter():
        for i in range(3):
            await flag.wait()
            print("flag", i)

    t = asyncio.create_task(flag_waiter())
    for _ in range(3):
        await asyncio.sleep_ms(5)
        flag.set()
    await t
    flag.set()
    await flag.wait()  # already set: returns at once and clears
    print("flag consumed")
    loop = asyncio.get_event_loop()
    task = loop.create_task(ms_sleeper("loop task", 1))
    await task
    print(loop is asyncio.get_event_loop(), task.done())


asyncio.run(main())
