"""os for the ports with a kfs volume at /flash (stm32, rp2, esp32): paths, directories and files over the
native primitives of `_os` (core/mod_os_kfs.c; each port's mod_os.c picks the block device). Frozen into the
firmware as bytecode in flash by each of those ports' manifest.toml, so importing it compiles nothing."""

from _os import (  # noqa: F401 (re-exported: os.sep, os._fs_kind() 'flash'/'ram'/None)
    _close,
    _fs_kind,
    _fseek,
    _fsync,
    _listdir,
    _machine,
    _mkdir,
    _open,
    _read,
    _remove,
    _rename,
    _stat,
    _statvfs,
    _write,
    sep,
)

# One mount point, /flash: absolute paths must lie under it; relative ones join the current directory.
_cwd = '/flash'
def _abs(p):
    if not isinstance(p, str):
        raise TypeError('path must be a str')
    if not p.startswith('/'):
        p = _cwd + '/' + p
    parts = []
    for s in p.split('/'):
        if s == '..':
            if parts:
                parts.pop()
        elif s and s != '.':
            parts.append(s)
    return '/' + '/'.join(parts)
def _fs(p):
    a = _abs(p)
    if a == '/flash':
        return ''
    if a.startswith('/flash/'):
        return a[7:]
    raise OSError(2)
def getcwd():
    return _cwd
def chdir(p):
    global _cwd
    a = _abs(p)
    if a != '/' and stat(a)[0] != 0x4000:
        raise OSError(20)
    _cwd = a
def ilistdir(p=''):
    a = _abs(p) if p else _cwd
    if a == '/':
        return iter([('flash', 0x4000, 0, 0)])
    return iter([(n, t, 0, s) for n, t, s in _listdir(_fs(a))])
def listdir(p=''):
    return [e[0] for e in ilistdir(p)]
def mkdir(p):
    _mkdir(_fs(p))
def remove(p):
    if stat(p)[0] == 0x4000:
        raise OSError(21)
    _remove(_fs(p))
def rmdir(p):
    if stat(p)[0] != 0x4000:
        raise OSError(20)
    _remove(_fs(p))
unlink = remove
def rename(a, b):
    _rename(_fs(a), _fs(b))
def stat(p):
    a = _abs(p)
    if a == '/' or a == '/flash':
        return (0x4000, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    t, s = _stat(_fs(a))
    return (t, 0, 0, 0, 0, 0, s, 0, 0, 0)
def statvfs(p='/flash'):
    _fs(p)
    return _statvfs()
def sync():
    pass
def uname():
    import sys
    v = sys.implementation.version
    rel = '%d.%d.%d' % (v[0], v[1], v[2])
    return (sys.platform, sys.platform, rel, 'Kiln ' + rel, _machine())

class FileIO:
    def __init__(self, path, mode='r'):
        if not isinstance(mode, str):
            raise TypeError('mode must be a str')
        m = mode.replace('t', '')
        self._bin = 'b' in m
        m = m.replace('b', '')
        plus = '+' in m
        m = m.replace('+', '')
        rw = 0x3 if plus else 0x2
        if m == 'r':
            fl = 0x3 if plus else 0x1
        elif m == 'w':
            fl = rw | 0x500
        elif m == 'a':
            fl = rw | 0x900
        elif m == 'x':
            fl = rw | 0x300
        else:
            raise ValueError('invalid mode: %r' % (mode,))
        self._h = _open(_fs(path), fl)
        self.name = path
        self.mode = mode
        self.closed = False
    def _chk(self):
        if self.closed:
            raise ValueError('I/O operation on closed file')
    def read(self, n=-1):
        self._chk()
        b = _read(self._h, -1 if n is None else n)
        return b if self._bin else b.decode()
    def write(self, s):
        self._chk()
        if self._bin:
            if isinstance(s, str):
                raise TypeError('a bytes-like object is required')
            return _write(self._h, s)
        if not isinstance(s, str):
            raise TypeError('write() argument must be str')
        _write(self._h, s.encode())
        return len(s)
    def close(self):
        if not self.closed:
            self.closed = True
            _close(self._h)
    def __enter__(self):
        return self
    def __exit__(self, *a):
        self.close()
def open(path, mode='r', *args, **kw):
    return FileIO(path, mode)

def _readinto(self, buf):
    self._chk()
    b = _read(self._h, len(buf))
    buf[:len(b)] = b
    return len(b)
def _readline(self):
    self._chk()
    out = b''
    while True:
        c = _read(self._h, 1)
        out += c
        if not c or c == b'\n':
            break
    return out if self._bin else out.decode()
def _readlines(self):
    out = []
    while True:
        line = self.readline()
        if not line:
            return out
        out.append(line)
def _seek(self, off, whence=0):
    self._chk()
    return _fseek(self._h, off, whence)
def _tell(self):
    self._chk()
    return _fseek(self._h, 0, 1)
def _flush(self):
    self._chk()
    _fsync(self._h)
FileIO.readinto = _readinto
FileIO.readline = _readline
FileIO.readlines = _readlines
FileIO.__iter__ = lambda self: iter(self.readlines())
FileIO.seek = _seek
FileIO.tell = _tell
FileIO.flush = _flush
