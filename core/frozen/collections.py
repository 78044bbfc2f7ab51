"""collections: deque, OrderedDict, defaultdict, Counter and namedtuple, written in Python and frozen
into every firmware (core/frozen/manifest.toml) as bytecode in flash."""

class deque:
    def __init__(self, iterable=(), maxlen=None):
        self._l = []
        self.maxlen = maxlen
        for x in iterable:
            self.append(x)
    def append(self, x):
        self._l.append(x)
        if self.maxlen is not None and len(self._l) > self.maxlen:
            self._l.pop(0)
    def appendleft(self, x):
        self._l.insert(0, x)
        if self.maxlen is not None and len(self._l) > self.maxlen:
            self._l.pop()
    def pop(self):
        if not self._l:
            raise IndexError('pop from an empty deque')
        return self._l.pop()
    def popleft(self):
        if not self._l:
            raise IndexError('pop from an empty deque')
        return self._l.pop(0)
    def extend(self, it):
        for x in it:
            self.append(x)
    def extendleft(self, it):
        for x in it:
            self.appendleft(x)
    def rotate(self, n=1):
        if self._l:
            n %= len(self._l)
            self._l[:] = self._l[-n:] + self._l[:-n]
    def clear(self):
        self._l.clear()
    def count(self, x):
        return self._l.count(x)
    def remove(self, x):
        self._l.remove(x)
    def reverse(self):
        self._l.reverse()
    def index(self, x):
        return self._l.index(x)
    def copy(self):
        return deque(self._l, self.maxlen)
    def __len__(self):
        return len(self._l)
    def __bool__(self):
        return bool(self._l)
    def __iter__(self):
        return iter(self._l)
    def __reversed__(self):
        return reversed(self._l)
    def __getitem__(self, i):
        return self._l[i]
    def __setitem__(self, i, v):
        self._l[i] = v
    def __contains__(self, x):
        return x in self._l
    def __eq__(self, o):
        return isinstance(o, deque) and self._l == o._l
    def __repr__(self):
        if self.maxlen is None:
            return 'deque(%r)' % (self._l,)
        return 'deque(%r, maxlen=%d)' % (self._l, self.maxlen)

class OrderedDict(dict):
    def move_to_end(self, key, last=True):
        v = self.pop(key)
        if last:
            self[key] = v
        else:
            items = list(self.items())
            self.clear()
            self[key] = v
            for k, x in items:
                self[k] = x
    def popitem(self, last=True):
        if not self:
            raise KeyError('dictionary is empty')
        k = next(reversed(list(self.keys()))) if last else next(iter(self.keys()))
        return (k, self.pop(k))
    def __repr__(self):
        if not self:
            return 'OrderedDict()'
        return 'OrderedDict(%r)' % (list(self.items()),)

class defaultdict(dict):
    def __init__(self, default_factory=None, *args, **kw):
        dict.update(self, *args, **kw)
        self.default_factory = default_factory
    def __missing__(self, key):
        if self.default_factory is None:
            raise KeyError(key)
        v = self.default_factory()
        self[key] = v
        return v
    def __repr__(self):
        return 'defaultdict(%r, %s)' % (self.default_factory, dict.__repr__(self))

class Counter(dict):
    def __init__(self, iterable=None, **kw):
        if iterable is not None:
            self.update(iterable)
        if kw:
            self.update(kw)
    def update(self, iterable):
        if isinstance(iterable, dict):
            for k, v in iterable.items():
                self[k] = self.get(k, 0) + v
        else:
            for k in iterable:
                self[k] = self.get(k, 0) + 1
    def __missing__(self, key):
        return 0
    def most_common(self, n=None):
        items = sorted(self.items(), key=lambda kv: kv[1], reverse=True)
        return items if n is None else items[:n]
    def elements(self):
        for k, v in self.items():
            for _ in range(v):
                yield k
    def total(self):
        return sum(self.values())
    def __repr__(self):
        if not self:
            return 'Counter()'
        return 'Counter({%s})' % ', '.join('%r: %r' % kv for kv in self.most_common())

def namedtuple(typename, field_names, *, defaults=None, rename=False, module=None):
    if isinstance(field_names, str):
        field_names = field_names.replace(',', ' ').split()
    fields = tuple(field_names)
    nf = len(fields)
    dflt = tuple(defaults) if defaults else ()
    def __init__(self, *args, **kw):
        if len(args) > nf:
            raise TypeError('%s() takes %d positional arguments but %d were given' % (typename, nf + 1, len(args) + 1))
        vals = list(args)
        for f in fields[len(args):]:
            if f in kw:
                vals.append(kw.pop(f))
            elif nf - len(vals) <= len(dflt):
                vals.append(dflt[len(dflt) - (nf - len(vals))])
            else:
                raise TypeError("%s() missing required argument: '%s'" % (typename, f))
        if kw:
            raise TypeError("%s() got an unexpected keyword argument '%s'" % (typename, list(kw)[0]))
        self._t = tuple(vals)
    def __repr__(self):
        return '%s(%s)' % (typename, ', '.join('%s=%r' % (f, v) for f, v in zip(fields, self._t)))
    def _asdict(self):
        return dict(zip(fields, self._t))
    def _replace(self, **kw):
        return cls(*[kw.pop(f, v) for f, v in zip(fields, self._t)])
    def _make(c, it):
        return c(*it)
    ns = {'__init__': __init__, '__repr__': __repr__, '_asdict': _asdict, '_replace': _replace,
          '_fields': fields, '_make': classmethod(_make),
          '__getitem__': lambda self, i: self._t[i], '__len__': lambda self: nf,
          '__iter__': lambda self: iter(self._t), '__hash__': lambda self: hash(self._t),
          '__eq__': lambda self, o: self._t == (o._t if hasattr(o, '_t') else o),
          '__ne__': lambda self, o: not self == o,
          '__lt__': lambda self, o: self._t < (o._t if hasattr(o, '_t') else o),
          '__add__': lambda self, o: self._t + tuple(o),
          'count': lambda self, v: self._t.count(v), 'index': lambda self, v: self._t.index(v)}
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, i=i: self._t[i])
    cls = type(typename, (), ns)
    return cls
