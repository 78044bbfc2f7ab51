# async with on user classes: enter/exit order, suppression, exceptions, return/break/continue inside.
log = []


class Tick:
    def __await__(self):
        yield "tick"


class CM:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress

    async def __aenter__(self):
        await Tick()
        log.append("enter " + self.name)
        return self.name.upper()

    async def __aexit__(self, et, ev, tb):
        await Tick()
        log.append("exit %s %s %r" % (self.name, et.__name__ if et else None, ev))
        return self.suppress


def run(coro):
    try:
        while True:
            coro.send(None)
    except StopIteration as e:
        return e.value


async def basic():
    async with CM("a") as v:
        log.append("body " + v)
    async with CM("b", suppress=True):
        raise KeyError("suppressed")
    try:
        async with CM("c"):
            raise ValueError("escapes")
    except ValueError as e:
        log.append("caught " + str(e))
    async with CM("d") as d, CM("e") as e:
        log.append(d + e)
    try:
        async with CM("f"), CM("g", suppress=True), CM("h"):
            raise IndexError(1)
        log.append("after g")
    except IndexError:
        log.append("not reached")
    for i in range(3):
        async with CM("loop%d" % i):
            if i == 0:
                continue
            if i == 1:
                break
    async with CM("ret"):
        return "value from inside"


print(run(basic()))
for line in log:
    print(line)


class BadExit:
    async def __aenter__(self):
        return self

    async def __aexit__(self, *a):
        raise RuntimeError("exit failed")


async def bad():
    try:
        async with BadExit():
            pass
    except RuntimeError as e:
        return str(e)


print(run(bad()))


class EnterFails:
    async def __aenter__(self):
        raise OSError("no enter")

    async def __aexit__(self, *a):
        print("exit must not run")


async def enter_fails():
    try:
        async with EnterFails():
            print("body must not run")
    except OSError as e:
        return repr(e)


print(run(enter_fails()))


async def nested_try():
    try:
        async with CM("t"):
            try:
                raise ValueError("inner")
            finally:
                log.append("inner finally")
    except ValueError as e:
        log.append("outer caught %s" % e)
    return log[-4:]


print(run(nested_try()))
