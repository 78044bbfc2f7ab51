import struct
for fmt, vals in [('<bBhH', (-1, 255, -300, 60000)), ('>iIq', (-5, 4000000000, -2 ** 40)), ('<?c3s', (True, b'z', b'abc')), ('<fd', (0.5, -1.25))]:
    b = struct.pack(fmt, *vals)
    print(fmt, len(b), struct.calcsize(fmt), struct.unpack(fmt, b) == vals, b)
