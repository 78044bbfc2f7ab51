# @micropython.viper: 32-bit wrap-around int and uint arithmetic, comparisons, shifts, floor division.
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
    def add(a: int, b: int) -> int:
        return a + b

    @micropython.viper
    def mul(a: int, b: int) -> int:
        return a * b

    @micropython.viper
    def umul(a: uint, b: uint) -> uint:
        return a * b

    @micropython.viper
    def ops(a: int, b: int):
        return (a & b, a | b, a ^ b, a << 3, a >> 2, -a, ~a, a // b, a % b,
                a < b, a <= b, a == b, a != b, a > b, a >= b, not a)

    @micropython.viper
    def uops(a: uint, b: uint):
        return a >> 1, a // b, a % b, a < b, a > b

    @micropython.viper
    def count_up(x: int, n: int) -> int:
        i = 0
        while i < n:
            x += 1
            i += 1
        return x

    @micropython.viper
    def lcg(seed: uint, n: int):
        out = []
        x = seed
        for _ in range(n):
            x = x * 1103515245 + 12345
            out.append(x >> 16)
        return out

else:

    def add(a, b):
        return s32(a + b)

    def mul(a, b):
        return s32(a * b)

    def umul(a, b):
        return u32(u32(a) * u32(b))

    def ops(a, b):
        a, b = s32(a), s32(b)
        q = a // b
        return (s32(a & b), s32(a | b), s32(a ^ b), s32(a << 3), a >> 2, s32(-a), s32(~a), s32(q), a - b * q,
                a < b, a <= b, a == b, a != b, a > b, a >= b, not a)

    def uops(a, b):
        a, b = u32(a), u32(b)
        return a >> 1, a // b, a % b, a < b, a > b

    def count_up(x, n):
        return s32(s32(x) + n)

    def lcg(seed, n):
        out = []
        x = u32(seed)
        for _ in range(n):
            x = u32(x * 1103515245 + 12345)
            out.append(x >> 16)
        return out


print(add(1, 2), add(0x7FFFFFFF, 1), add(-0x80000000, -1), add(2**40 + 5, 1))
print(mul(0x10000, 0x10000), mul(123456789, 1000), mul(-7, 6))
print(umul(0xFFFFFFFF, 2), umul(-1, 1))
for a, b in [(100, 7), (-100, 7), (100, -7), (-100, -7), (0x7FFFFFFF, 3), (0, 5)]:
    print(ops(a, b))
print(uops(0xFFFFFFFF, 7), uops(-2, 3), uops(5, 6))
print(count_up(0x7FFFFFF0, 10), count_up(0x7FFFFFF0, 20), count_up(-0x80000000, 0), count_up(0xFFFFFFFF, 5))
data = bytearray(b"The quick brown fox jumps over the lazy dog")
print(lcg(42, 6), lcg(-1, 3))
buf = bytearray(20)
b16 = bytearray(b"\x01\x00\xff\xff\x34\x12\x00\x80")
b32 = bytearray(b"\x01\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x80\x78\x56\x34\x12")
