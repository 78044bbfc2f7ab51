# Async comprehensions: async for clauses and awaits in list/set/dict comprehensions.
class Tick:
    def __await__(self):
        yield


class Arange:
    def __init__(self, n):
        self.n = n

    def __aiter__(self):
        self.i = 0
        return self

    async def __anext__(self):
        await Tick()
        if self.i >= self.n:
            raise StopAsyncIteration
        self.i += 1
        return self.i - 1


async def double(x):
    await Tick()
    return 2 * x


def run(coro):
    try:
        while True:
            coro.send(None)
    except StopIteration as e:
        return e.value


async def main():
    print([x async for x in Arange(5)])
    print([x async for x in Arange(6) if x % 2])
    print({x % 3 async for x in Arange(7)})
    print({x: await double(x) async for x in Arange(3)})
    print([await double(x) for x in range(4)])
    print([(x, y) async for x in Arange(3) for y in range(x)])
    print([(x, y) for x in range(3) async for y in Arange(x)])
    print([[await double(y) for y in range(x)] for x in range(3)])
    print([x async for x in Arange(3) if await double(x) > 1])
    n = 10
    print([x + n async for x in Arange(2)])


run(main())
