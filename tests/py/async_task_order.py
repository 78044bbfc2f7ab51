# Task scheduling order: create_task runs in creation order, sleep(0) yields round-robin,
# timers fire in deadline order, a task runs only when its creator yields.
import asyncio

log = []


async def spinner(name, n):
    for i in range(n):
        log.append("%s%d" % (name, i))
        await asyncio.sleep(0)
    return name


async def sleeper(name, delay):
    await asyncio.sleep(delay)
    log.append("woke " + name)


async def main():
    a = asyncio.create_task(spinner("a", 3))
    b = asyncio.create_task(spinner("b", 2))
    c = asyncio.create_task(spinner("c", 4))
    log.append("created")
    print(a.done(), b.done())
    await asyncio.sleep(0)
    log.append("main after first yield")
    print(await a, await b, await c)
    print(" ".join(log))
    log.clear()
    ts = [asyncio.create_task(sleeper(n, d)) for n, d in [("x", 0.03), ("y", 0.01), ("z", 0.02), ("w", 0.01)]]
    for t in ts:
        await t
    print(" ".join(log))
    print(a.done(), a.result(), a.cancelled(), a.exception())
    me = asyncio.current_task()
    print(isinstance(me, asyncio.Task), me is asyncio.current_task())

    async def who():
        return asyncio.current_task()

    t = asyncio.create_task(who())
    print((await t) is t)


asyncio.run(main())
