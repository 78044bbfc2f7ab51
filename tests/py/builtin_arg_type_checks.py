# Wrong-typed arguments to built-ins raise TypeError (found by calling every method with random arguments)
import math
import random
import re


def attempt(f):
    try:
        print(f())
    except (TypeError, ValueError) as e:
        print(type(e).__name__)


class C:
    pass


c = C()
for f in (lambda: object.__setattr__(c, 5, 1), lambda: object.__delattr__(c, None), lambda: object.__getattribute__(c, 3),
          lambda: object.__format__(c, 0), lambda: format(c, "") == str(c), lambda: type("e", (), 1j), lambda: type(1, (), {}),
          lambda: type("A", [], {}), lambda: math.gcd(4, "s"), lambda: math.gcd(True, 4), lambda: math.gcd(12, 18, 8),
          lambda: math.isqrt("s"), lambda: math.isqrt(2 ** 90), lambda: re.escape(3), lambda: re.escape(b"a.b"),
          lambda: re.escape("a.b\x00"), lambda: re.sub("(a)|b", b"%s", -1), lambda: re.sub("a", lambda m: 5, "aa"),
          lambda: re.compile("a").search(5, 1), lambda: re.findall("a", 3), lambda: re.split("a", 7),
          lambda: range(3).count("s"), lambda: range(3).count(1.0), lambda: range(5).index(2.0),
          lambda: range(3).index("a")):
    attempt(f)
object.__setattr__(c, "x", 7)
print(c.x, object.__getattribute__(c, "x"))
random.seed(3)
big = random.getrandbits(20000)
print(big.bit_length() <= 20000, big.bit_length() > 19900, random.getrandbits(0), random.getrandbits(5) < 32)
