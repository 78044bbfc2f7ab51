# Repetition of sequences: bytearray * n (and in place), and sizes too large for memory raise MemoryError
b = bytearray(b"ab")
print(b * 3, 2 * b, b * 0, b * -1, b * True)
c = bytearray(b"xy")
c *= 3
print(c, len(c))
c *= 0
print(c)
d = bytearray()
print(d * 5)
for e in ((1, 2), [1, 2], "ab", b"ab", bytearray(b"ab")):
    try:
        e * 2**60
    except (MemoryError, OverflowError):  # OverflowError where 2**60 is no index (32-bit boards)
        print("too big")
