# Generators and coroutines together: generators used inside tasks, generator-based awaitables
# through __await__ with yield from, async generators in tasks, coroutines in a plain generator.
import asyncio


def squares(n):
    for i in range(n):
        yield i * i


class Delay:
    def __init__(self, s):
        self.s = s

    def __await__(self):
        r = yield from asyncio.sleep(self.s, "slept %s" % self.s).__await__()
        return r


async def ticker(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield i


async def consumer(name):
    total = sum(squares(4))
    async for v in ticker(3):
        total += v
        print(name, v)
    return total


def coro_maker(n):
    for i in range(n):
        yield consumer("gen%d" % i)


async def main():
    print(await Delay(0.01))
    print(await asyncio.gather(consumer("p"), consumer("q")))
    print(await asyncio.gather(*coro_maker(2)))
    g = (x * 2 for x in squares(3))
    print(list(g))
    print([v async for v in ticker(4)])


asyncio.run(main())
