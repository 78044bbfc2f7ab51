# Lock: FIFO among waiters, locked(), async with, release of an unlocked lock, a cancelled waiter
# does not get (or keep) the lock.
import asyncio

log = []


async def worker(lock, name, hold):
    async with lock:
        log.append("in " + name)
        await asyncio.sleep(hold)
        log.append("out " + name)


async def main():
    lock = asyncio.Lock()
    print(lock.locked())
    await asyncio.gather(*(worker(lock, n, 0.01 if n != "b" else 0) for n in "abcd"))
    print(log)
    print(lock.locked())
    try:
        lock.release()
    except RuntimeError:
        print("RuntimeError on release of unlocked lock")
    log.clear()
    await lock.acquire()
    print(lock.locked())
    t1 = asyncio.create_task(worker(lock, "t1", 0))
    t2 = asyncio.create_task(worker(lock, "t2", 0))
    t3 = asyncio.create_task(worker(lock, "t3", 0))
    await asyncio.sleep(0.01)
    t2.cancel()
    lock.release()
    for t in (t1, t2, t3):
        try:
            await t
        except asyncio.CancelledError:
            log.append("t2 cancelled")
    print(log, lock.locked())

    counter = [0]

    async def incr():
        for _ in range(5):
            async with lock:
                v = counter[0]
                await asyncio.sleep(0)
                counter[0] = v + 1

    await asyncio.gather(*(incr() for _ in range(4)))
    print(counter[0])


asyncio.run(main())
