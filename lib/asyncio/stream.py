# asyncio/stream.py: StreamReader/StreamWriter over any object select.poll can watch.
#
# The protocol a stream object follows (sys.stdin/sys.stdout, machine.UART, or a Python class):
#   - select.poll accepts it: either a console stream, or it has ioctl(3, mask) returning the subset of
#     mask (select.POLLIN = 1, select.POLLOUT = 4) that is ready now (MicroPython's MP_STREAM_POLL);
#   - read(1) returns one byte (bytes or str) without blocking once POLLIN was reported; b"" at end of
#     input, None when nothing was there after all;
#   - write(buf) writes some or all of buf once POLLOUT was reported and returns how many bytes (None = 0);
#   - close() is optional.
import select

from . import core


class Stream:
    def __init__(self, s, e=None):
        self.s = s
        self.e = {} if e is None else e
        self._in = b""
        self._out = b""
        self._eof = False
        self._poll = select.poll()
        self._poll.register(s, select.POLLIN)

    def get_extra_info(self, v):
        return self.e.get(v)

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb):
        self.close()

    def close(self):
        c = getattr(self.s, "close", None)
        if c is not None:
            c()

    async def wait_closed(self):
        pass

    async def _fill(self):
        """Waits for input, then moves every byte available now into the buffer. False at EOF."""
        if self._eof:
            return False
        got = 0
        while got == 0:
            core._s.io.queue_read(self.s)
            await core._yield
            while True:
                d = self.s.read(1)
                if d is None:  # nothing after all (a UART with timeout=0): wait again
                    break
                if isinstance(d, str):
                    d = d.encode()
                if not d:
                    if got == 0:
                        self._eof = True
                        return False
                    break
                self._in += d
                got += 1
                if not self._poll.poll(0):
                    break
        return True

    def _take(self, n):
        d = self._in[:n]
        self._in = self._in[n:]
        return d

    async def read(self, n=-1):
        if n == 0:
            return b""
        if n < 0:
            while await self._fill():
                pass
            return self._take(len(self._in))
        if not self._in:
            await self._fill()
        return self._take(n)

    async def readinto(self, buf):
        d = await self.read(len(buf))
        buf[: len(d)] = d
        return len(d)

    async def readexactly(self, n):
        while len(self._in) < n:
            if not await self._fill():
                raise EOFError(f"{len(self._in)} bytes read on a total of {n} expected bytes")
        return self._take(n)

    async def readline(self):
        while True:
            i = self._in.find(b"\n")
            if i >= 0:
                return self._take(i + 1)
            if not await self._fill():
                return self._take(len(self._in))

    def write(self, buf):
        if isinstance(buf, str):
            buf = buf.encode()
        self._out += bytes(buf)

    async def drain(self):
        while self._out:
            core._s.io.queue_write(self.s)
            await core._yield
            n = self.s.write(self._out)
            self._out = self._out[n or 0 :]


StreamReader = Stream
StreamWriter = Stream
