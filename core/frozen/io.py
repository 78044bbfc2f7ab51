"""io: StringIO and BytesIO, written in Python and frozen into every firmware (core/frozen/manifest.toml)
as bytecode in flash."""

class _BufIO:
    def __init__(self, initial=None):
        self._buf = self._empty if initial is None else initial
        self._pos = 0
        self.closed = False
    def write(self, s):
        if self.closed:
            raise ValueError('I/O operation on closed file')
        if not isinstance(s, type(self._empty)):
            raise TypeError('string argument expected')
        b = self._buf
        p = self._pos
        self._buf = b[:p] + s + b[p + len(s):]
        self._pos = p + len(s)
        return len(s)
    def read(self, n=-1):
        b = self._buf
        p = self._pos
        e = len(b) if n is None or n < 0 else min(len(b), p + n)
        self._pos = e
        return b[p:e]
    def readline(self):
        b = self._buf
        p = self._pos
        i = b.find(self._nl, p)
        e = len(b) if i < 0 else i + 1
        self._pos = e
        return b[p:e]
    def readlines(self):
        out = []
        while True:
            line = self.readline()
            if not line:
                return out
            out.append(line)
    def __iter__(self):
        return iter(self.readlines())
    def getvalue(self):
        return self._buf
    def seek(self, pos, whence=0):
        if whence == 1:
            pos += self._pos
        elif whence == 2:
            pos += len(self._buf)
        self._pos = max(0, pos)
        return self._pos
    def tell(self):
        return self._pos
    def flush(self):
        pass
    def close(self):
        self.closed = True
    def __enter__(self):
        return self
    def __exit__(self, *a):
        self.close()

class StringIO(_BufIO):
    _empty = ''
    _nl = '\n'

class BytesIO(_BufIO):
    _empty = b''
    _nl = b'\n'
