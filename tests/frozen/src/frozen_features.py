"""A frozen module exercising what the freezer must carry into flash (tests/test_frozen.py)."""

SMALL = 1073741823               # 2**30 - 1: small int on 32-bit targets
EDGE = 1073741824                # 2**30: a bigint on 32-bit targets, small on 64-bit
NEG_EDGE = -1073741825
WIDE = 1099511627776             # 2**40
NEG_WIDE = -4611686018427387904  # -2**62: the 64-bit small-int minimum
HUGE = 123456789012345678901234567890
NEG_HUGE = -98765432109876543210
HALF = 1.5
QUARTER = 0.25
NEG = -3.75
THOUSAND = 1e3
OVERFLOWS_SINGLE = 1e300         # inf as a 32-bit float: must still compile with -Werror
UNDERFLOWS_SINGLE = 1e-50        # 0.0 as a 32-bit float
CPLX = 2j
TEXT = "héllo ☃ wörld"
ESCAPES = "tab\tnl\nquote\"back\\slash?? nul\x00end"
DIGITS_AFTER_ESCAPE = "\x001\x002"
RAW = b"\x00\xff?\"\\bytes"
EMPTY = ""
NONE_CONST = None
TUPLE = (1, "two", 3.0, None, (4, 5))
unique_frozen_global_name = "from flash"


def add(a, b=10, *rest, scale=1, **extra):
    return (a + b + sum(rest)) * scale, sorted(extra.items())


def kwonly(*, frozen_only_keyword_xyz=7):
    return frozen_only_keyword_xyz * 2


def make_counter(start):
    count = start

    def step(by=1):
        nonlocal count
        count += by
        return count
    return step


def fib_gen(n):
    a, b = 0, 1
    for _ in range(n):
        yield a
        a, b = b, a + b


def delegating():
    yield "start"
    got = yield from fib_gen(5)
    yield got


class Base:
    kind = "base"

    def __init__(self, name):
        self.name = name

    def describe(self):
        return f"{self.kind}:{self.name}"

    @property
    def upper(self):
        return self.name.upper()

    @staticmethod
    def helper(x):
        return x * 3

    @classmethod
    def build(cls, name):
        return cls(name)


class Child(Base):
    kind = "child"

    def describe(self):
        return "child(" + super().describe() + ")"

    def __repr__(self):
        return f"Child({self.name!r})"

    def __eq__(self, other):
        return isinstance(other, Child) and other.name == self.name

    def __hash__(self):
        return hash(self.name)


class Resource:
    def __init__(self, log):
        self.log = log

    def __enter__(self):
        self.log.append("enter")
        return self

    def __exit__(self, *exc):
        self.log.append("exit")
        return False


def guarded(value):
    log = []
    try:
        with Resource(log):
            if value < 0:
                raise ValueError(f"negative: {value}")
            log.append(100 // value)
    except ZeroDivisionError as exc:
        log.append(type(exc).__name__)
    except ValueError as exc:
        log.append(str(exc))
    finally:
        log.append("finally")
    return log


def comprehensions(n):
    return ([i * i for i in range(n)], {i: chr(65 + i) for i in range(n)}, {i % 3 for i in range(n)},
            sum(i for i in range(n) if i % 2), list(map(lambda x: -x, range(n))))


def raises_here():
    x = 1
    raise RuntimeError(f"raised in frozen code {x:d}")  # line checked by the test


def arithmetic():
    return (EDGE * 2, EDGE + 1 - 1 == EDGE, WIDE // 1024, HUGE % 1000007, NEG_HUGE // 7, -EDGE - 1 == NEG_EDGE,
            NEG_WIDE + 1, HALF * 4, QUARTER + NEG, THOUSAND == 1000, CPLX * CPLX, 7 / 2, 2 ** 65)
