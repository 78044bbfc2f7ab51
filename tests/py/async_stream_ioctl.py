# asyncio streams over a Python object with the readiness protocol (ioctl(3, mask) -> ready events):
# a reader blocks until bytes arrive, readline/readexactly/read assemble them, drain waits for POLLOUT.
import asyncio
import select


class Pipe:
    """An in-memory byte pipe: readable when it holds data (or is closed), writable when not full."""

    def __init__(self, cap=8):
        self.buf = b""
        self.cap = cap
        self.closed = False

    def ioctl(self, req, arg):
        if req != 3:
            return -1
        ev = 0
        if arg & select.POLLIN and (self.buf or self.closed):
            ev |= select.POLLIN
        if arg & select.POLLOUT and len(self.buf) < self.cap:
            ev |= select.POLLOUT
        return ev

    def read(self, n):
        d = self.buf[:n]
        self.buf = self.buf[n:]
        return d

    def write(self, data):
        n = min(len(data), self.cap - len(self.buf))
        self.buf += bytes(data[:n])
        return n

    def close(self):
        self.closed = True


async def producer(w, chunks):
    for c in chunks:
        await asyncio.sleep_ms(5)
        w.write(c)
        await w.drain()
        print("sent", c)
    w.close()


async def consumer(r):
    print("line", await r.readline())
    print("exact", await r.readexactly(5))
    print("line", await r.readline())
    print("rest", await r.read())
    print("after eof", await r.read(), await r.readline())


async def main():
    p = Pipe()
    r = asyncio.StreamReader(p)
    w = asyncio.StreamWriter(p, {"peer": "pipe"})
    print(w.get_extra_info("peer"))
    await asyncio.gather(consumer(r), producer(w, [b"hel", b"lo\nab", b"cdefg", b"h\nlong tail data", b"!"]))
    p2 = Pipe()
    r2 = asyncio.StreamReader(p2)
    p2.write(b"abc")
    p2.close()
    try:
        await r2.readexactly(5)
    except EOFError as e:
        print("EOFError", e)
    p3 = Pipe(cap=4)
    w3 = asyncio.StreamWriter(p3)
    r3 = asyncio.StreamReader(p3)
    w3.write(b"0123456789")

    async def drainer():
        await w3.drain()
        print("drained")

    t = asyncio.create_task(drainer())
    got = b""
    while len(got) < 10:
        got += await r3.read(3)
    await t
    print(got)

    p4 = Pipe(cap=64)
    r4 = asyncio.StreamReader(p4)

    async def blocked_reader(tag):
        try:
            return await r4.readline()
        except asyncio.CancelledError:
            print(tag, "cancelled while waiting for input")
            raise

    t = asyncio.create_task(blocked_reader("first"))
    await asyncio.sleep_ms(5)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        pass
    t = asyncio.create_task(blocked_reader("second"))  # the stream can be waited on again
    await asyncio.sleep_ms(5)
    p4.write(b"late line\n")
    print("second got", await t)


asyncio.run(main())
