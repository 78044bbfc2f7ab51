# @micropython.viper: for loops over range() of viper ints run as machine-code counting loops
# (break, continue, try inside the body, nesting, negative steps, a range used as an object).
try:
    import micropython
except ImportError:  # CPython: the same code as plain Python, a ptr8 is the buffer itself
    class micropython:
        viper = staticmethod(lambda f: f)

    def ptr8(buf):
        return buf


@micropython.viper
def total(n: int) -> int:
    t = 0
    for i in range(n):
        t += i
    return t


@micropython.viper
def stepped(a: int, b: int, c: int):
    out = []
    for i in range(a, b, c):
        out.append(i)
    return out


@micropython.viper
def scan(buf):
    p = ptr8(buf)
    t = 0
    for i in range(len(buf)):
        if p[i] == 3:
            continue
        if p[i] == 9:
            break
        try:
            t += 100 // p[i]
        except ZeroDivisionError:
            t += 1000
    return t, list(range(3)), range(5), len(range(2, 11, 3))


@micropython.viper
def nested(n: int) -> int:
    t = 0
    for i in range(n):
        for j in range(i, n, 2):
            t += j * i
    return t


@micropython.viper
def fill(buf, start: int):
    p = ptr8(buf)
    for i in range(start, len(buf)):
        p[i] = i * 7


print(total(10), total(0), total(-5), total(1000))
print(stepped(0, 10, 3), stepped(10, 0, -3), stepped(5, 5, 1), stepped(0, 3, -1), stepped(-4, 4, 1))
print(scan(bytearray(b"\x01\x02\x03\x00\x04\x09\x05")), scan(bytearray(b"")))
print(nested(7), nested(20))
b = bytearray(12)
fill(b, 4)
print(list(b))
try:
    stepped(1, 2, 0)
except ValueError as e:
    print("ValueError", e)
