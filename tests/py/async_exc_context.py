# Exception state is per task: a task suspended inside an except block keeps its own exception for
# a bare raise, __context__ and sys.exc_info while other tasks raise and handle theirs.
import asyncio
import sys


async def handler(name, delay):
    try:
        raise ValueError(name)
    except ValueError:
        await asyncio.sleep(delay)
        print(name, "exc_info", sys.exc_info()[1])
        try:
            raise
        except ValueError as e:
            print(name, "bare raise re-raised", e)
        try:
            raise KeyError(name + "-inner")
        except KeyError as k:
            print(name, "context", repr(k.__context__))


async def other():
    for i in range(3):
        try:
            raise IndexError(i)
        except IndexError:
            await asyncio.sleep(0.005)


def gen():
    try:
        raise OSError("in generator")
    except OSError:
        yield 1
        print("gen sees", sys.exc_info()[1])
        yield 2


async def main():
    await asyncio.gather(handler("a", 0.02), other(), handler("b", 0.01))
    g = gen()
    next(g)
    try:
        raise RuntimeError("caller")
    except RuntimeError:
        next(g)
        print("caller sees", sys.exc_info()[1])
    print("after all", sys.exc_info())


asyncio.run(main())
