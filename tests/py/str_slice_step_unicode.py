# Extended slices of non-ASCII strings, both directions, and a long one (walked, not rescanned per character)
s = "aé€😀b" * 7
for sl in (slice(None, None, 2), slice(None, None, -1), slice(None, None, -3), slice(3, 30, 4), slice(30, 2, -5), slice(-1, -40, -7), slice(5, 5, 2), slice(100, 0, -2), slice(0, 100, 11)):
    print(repr(s[sl]))
big = ("ü" + "x" * 99) * 100
print(len(big[::1000]), big[::1000][:3], len(big[::-999]))
