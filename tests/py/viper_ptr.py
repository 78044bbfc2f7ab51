# @micropython.viper: ptr8/ptr16/ptr32 loads and stores, bool, casts, objects mixed with ints.
# Under CPython (no micropython module) the same lines come from reference functions written with
# explicit two's-complement masks, so the comparison checks the viper semantics independently.
try:
    import micropython

    KILN = True
except ImportError:
    KILN = False


def s32(v):
    return ((v + 2**31) % 2**32) - 2**31


def u32(v):
    return v % 2**32


if KILN:

    @micropython.viper
    def fnv1a(buf, n: int) -> uint:
        p = ptr8(buf)
        h = uint(0x811C9DC5)
        i = 0
        while i < n:
            h = (h ^ p[i]) * 0x01000193
            i += 1
        return h

    @micropython.viper
    def fill8(buf, n: int, start: int):
        p = ptr8(buf)
        i = 0
        while i < n:
            p[i] = start + i * 37  # stores keep the low 8 bits
            i += 1

    @micropython.viper
    def sum8(buf, n: int) -> int:
        p = ptr8(buf)
        s = 0
        for i in range(n):
            s += p[int(i)]
        return s

    @micropython.viper
    def words16(buf, n: int):
        p = ptr16(buf)
        out = []
        i = 0
        while i < n:
            out.append(p[i])
            p[i] = p[i] + 0x1234
            i += 1
        return out

    @micropython.viper
    def words32(buf, n: int):
        p = ptr32(buf)
        out = []
        i = 0
        while i < n:
            out.append(p[i])
            p[i] = p[i] * 3 + 1
            i += 1
        return out

    @micropython.viper
    def flags(a: int, b: bool) -> bool:
        return a > 3 and b

    @micropython.viper
    def casts(o):
        return int(o) + 1, uint(int(o)), bool(o)

    @micropython.viper
    def mixed(o, k: int):
        # objects stay objects; ints box where they meet them
        return o + k, [k, o], str(k) * 2

else:

    def fnv1a(buf, n):
        h = 0x811C9DC5
        for i in range(n):
            h = u32((h ^ buf[i]) * 0x01000193)
        return h

    def fill8(buf, n, start):
        for i in range(n):
            buf[i] = (start + i * 37) & 0xFF

    def sum8(buf, n):
        return sum(buf[:n])

    def words16(buf, n):
        out = []
        for i in range(n):
            v = int.from_bytes(buf[2 * i:2 * i + 2], "little")
            out.append(v)
            buf[2 * i:2 * i + 2] = ((v + 0x1234) & 0xFFFF).to_bytes(2, "little")
        return out

    def words32(buf, n):
        out = []
        for i in range(n):
            v = int.from_bytes(buf[4 * i:4 * i + 4], "little", signed=True)
            out.append(v)
            buf[4 * i:4 * i + 4] = u32(v * 3 + 1).to_bytes(4, "little")
        return out

    def flags(a, b):
        return bool(a > 3 and b)

    def casts(o):
        return s32(int(o) + 1), u32(int(o)), bool(o)

    def mixed(o, k):
        return o + k, [k, o], str(k) * 2


data = bytearray(b"The quick brown fox jumps over the lazy dog")
print(fnv1a(data, len(data)), fnv1a(b"", 0), fnv1a(b"a", 1))
buf = bytearray(20)
fill8(buf, 20, 250)
print(list(buf), sum8(buf, 20), sum8(buf, 5))
b16 = bytearray(b"\x01\x00\xff\xff\x34\x12\x00\x80")
print(words16(b16, 4), list(b16))
b32 = bytearray(b"\x01\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x80\x78\x56\x34\x12")
print(words32(b32, 4), list(b32))
print(flags(5, True), flags(5, False), flags(2, True))
print(casts(41), casts(-1), casts(0), casts(True))
print(mixed(1.5, 2), mixed(10**20, 3))
