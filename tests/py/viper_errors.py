# @micropython.viper: code that cannot be typed is a SyntaxError at compile time naming the problem
# and the line; bad arguments are a TypeError when the function is called.
import micropython

SOURCES = [
    "@micropython.viper\ndef f(o):\n    x = 1\n    x = o\n",
    "@micropython.viper\ndef f(buf):\n    p = ptr8(buf)\n    p = 5\n",
    "@micropython.viper\ndef f():\n    return locals()\n",
    "@micropython.viper\ndef f(a: float):\n    return a\n",
    "@micropython.viper\ndef f():\n    g = ptr8\n",
    "def g():\n    pass\n@micropython.viper\ndef f() -> str:\n    return 1\n",
]
for src in SOURCES:
    try:
        exec(src)
        print("compiled")
    except SyntaxError as e:
        print("SyntaxError:", e)


@micropython.viper
def first(buf) -> int:
    return ptr8(buf)[0]


@micropython.viper
def add(a: int, b: int) -> int:
    return a + b


print(first(b"A"), first(bytearray(b"\xff")), add(True, 2))
for bad in [(1.5, 2), ("3", 1), (None, 1)]:
    try:
        add(*bad)
    except TypeError as e:
        print("TypeError:", e)
try:
    first(3.0)
except TypeError as e:
    print("TypeError:", e)
