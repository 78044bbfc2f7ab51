# bm_asyncio.py: many tasks ping-ponging through Events and sleep(0), plus gather and a Lock.
import asyncio

N_TASKS = 100
ROUNDS = 1000


async def relay(events, i, rounds, counter):
    me = events[i]
    nxt = events[(i + 1) % len(events)]
    for _ in range(rounds):
        await me.wait()
        me.clear()
        counter[0] += 1
        nxt.set()


async def yielder(rounds, counter):
    for _ in range(rounds):
        counter[1] += 1
        await asyncio.sleep(0)


async def locked(lock, rounds, counter):
    for _ in range(rounds):
        async with lock:
            counter[2] += 1
            await asyncio.sleep(0)


async def main():
    counter = [0, 0, 0]
    events = [asyncio.Event() for _ in range(N_TASKS)]
    relays = [asyncio.create_task(relay(events, i, ROUNDS, counter)) for i in range(N_TASKS)]
    events[0].set()
    await asyncio.gather(*relays)
    await asyncio.gather(*(yielder(ROUNDS, counter) for _ in range(N_TASKS)))
    lock = asyncio.Lock()
    await asyncio.gather(*(locked(lock, ROUNDS // 4, counter) for _ in range(N_TASKS // 4)))
    return counter


print(asyncio.run(main()))
