# Built-in methods taken from their type check their first argument; subclass instances use the base's methods
def attempt(f):
    try:
        print(f())
    except TypeError:
        print("TypeError")


for f in (lambda: str.encode(5), lambda: dict.keys(3), lambda: bytes.hex(3), lambda: int.bit_length("x"),
          lambda: float.is_integer("a"), lambda: set.add(1, 2), lambda: tuple.count(1, 1),
          lambda: bytearray.append(b"", 1), lambda: dict.get(1, 2), lambda: complex.conjugate(1),
          lambda: str.upper(), lambda: list.append((), 1)):
    attempt(f)

print(str.upper("ab"), bytes.hex(b"\x01\x02"), int.bit_length(255), dict.get({"a": 1}, "a"), tuple.count((1, 1), 1))
print(str.upper == str.upper, str.upper == str.lower, str.join(",", ["a", "b"]))


class S(str):
    pass


class B(bytes):
    pass


class I(int):
    pass


class T(tuple):
    pass


class L(list):
    pass


class D(dict):
    pass


s = S("abc")
print(repr(s.upper()), type(s.upper()).__name__, repr(str.upper(s)), s.split("b"), s.startswith("a"))
print(repr(B(b"xy").hex()), repr(B(b"a-b").split(b"-")), I(255).bit_length(), int.bit_length(I(7)))
print(T((1, 2, 1)).count(1), tuple.index(T((4, 5)), 5))
lst = L([3, 1, 2])
lst.sort()
list.append(lst, 9)
print(lst, type(lst).__name__, len(lst))
d = D(a=1)
d["b"] = 2
d.update(c=3)
print(sorted(d.items()), dict.get(d, "b"), type(d).__name__)
up = str.upper
print(list(map(up, ["x", "y"])), list(map(str.strip, [" a ", "b "])))
