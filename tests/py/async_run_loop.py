# asyncio.run returns the result or raises main's exception and cancels leftover tasks; the loop
# API: new_event_loop, run_until_complete, run_forever/stop, create_task on the loop.
import asyncio


async def background():
    try:
        while True:
            await asyncio.sleep(0.01)
    finally:
        print("background cleaned up")


async def main(x):
    asyncio.create_task(background())
    await asyncio.sleep(0.02)
    return x * 2


print(asyncio.run(main(21)))


async def failing():
    await asyncio.sleep(0)
    raise ValueError("main failed")


try:
    asyncio.run(failing())
except ValueError as e:
    print("run raised", e)

loop = asyncio.new_event_loop()


async def plain(x):
    await asyncio.sleep(0.01)
    return x * 2


print(loop.run_until_complete(plain(5)))


async def stopper(loop):
    await asyncio.sleep(0.01)
    print("stopping")
    loop.stop()


t = loop.create_task(stopper(loop))
loop.run_forever()
print("run_forever returned", t.done())
loop.close()
try:
    asyncio.current_task()
except RuntimeError:
    print("no current task outside the loop")


async def hello():
    return asyncio.current_task() is not None


print(asyncio.run(hello()))
