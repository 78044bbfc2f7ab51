import math
for v in [1, -1, 1.0, 1e100, math.pi, 'str', b'bytes', [1], (1,), {1}, {1: 1}, None, True, range(3), 1j, bytearray(b'x'), frozenset(), slice(1)]:
    print(type(v).__name__, repr(v), str(v))
