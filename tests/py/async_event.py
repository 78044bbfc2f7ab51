# Event: waiters wake in the order they waited, wait() on a set event returns at once, clear().
import asyncio

order = []


async def waiter(ev, name):
    order.append("wait " + name)
    r = await ev.wait()
    order.append("woke %s %s" % (name, r))


async def main():
    ev = asyncio.Event()
    print(ev.is_set())
    ts = [asyncio.create_task(waiter(ev, n)) for n in "cab"]
    await asyncio.sleep(0.01)
    ev.set()
    order.append("set done")
    await asyncio.gather(*ts)
    print(order)
    print(ev.is_set(), await ev.wait())
    ev.clear()
    print(ev.is_set())
    order.clear()

    async def setter():
        await asyncio.sleep(0.01)
        order.append("setting")
        ev.set()

    await asyncio.gather(waiter(ev, "x"), setter(), waiter(ev, "y"))
    print(order)

    async def ping(evs, i, n):
        for _ in range(n):
            await evs[i].wait()
            evs[i].clear()
            order.append(i)
            evs[(i + 1) % len(evs)].set()

    order.clear()
    evs = [asyncio.Event() for _ in range(3)]
    evs[0].set()
    await asyncio.gather(*(ping(evs, i, 3) for i in range(3)))
    print(order)


asyncio.run(main())
