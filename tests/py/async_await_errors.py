# Runtime errors of the await protocol: TypeError for non-awaitables and protocol violations.
def run(coro):
    try:
        while True:
            coro.send(None)
    except StopIteration as e:
        return e.value


async def await_it(x):
    return await x


for bad in [1, "s", None, [1], object()]:
    try:
        run(await_it(bad))
    except TypeError as e:
        print("TypeError:", e)


class AwaitReturnsInt:
    def __await__(self):
        return 5


try:
    run(await_it(AwaitReturnsInt()))
except TypeError as e:
    print("TypeError:", e)


class NoAnext:
    def __aiter__(self):
        return self


async def loop_over(x):
    async for _ in x:
        pass


for bad in [5, NoAnext()]:
    try:
        run(loop_over(bad))
    except TypeError as e:
        print("TypeError:", e)


class OnlyEnter:
    async def __aenter__(self):
        return self


async def use_cm(x):
    async with x:
        pass


for bad in [OnlyEnter(), 3]:
    try:
        run(use_cm(bad))
    except (TypeError, AttributeError) as e:
        print(type(e).__name__)


class SyncCM:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


try:
    run(use_cm(SyncCM()))
except TypeError:
    print("sync context manager is not async: TypeError")


async def simple():
    return 1


c = simple()
print(run(c))
try:
    run(c)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    for x in simple():
        pass
except TypeError:
    print("coroutine is not iterable: TypeError")


async def raises_stop():
    raise StopIteration


try:
    run(raises_stop())
except RuntimeError as e:
    print("RuntimeError:", e)


def gen():
    yield 1


async def agen():
    yield 1


unbound = [
    lambda: type(gen()).send(5, None),
    lambda: type(simple()).send(5, None),
    lambda: type(simple()).__await__(5),
    lambda: type(agen()).__anext__(5),
    lambda: type(agen()).asend(5, 1),
    lambda: type(agen()).aclose("x"),
    lambda: type(agen().__anext__()).send(5, None),
    lambda: type(simple().__await__()).send(5, None),
    lambda: agen().athrow(5),
    lambda: simple().throw(5),
]
for call in unbound:
    try:
        call()
        print("no error")
    except TypeError:
        print("TypeError")
