# @micropython.native: the same results as bytecode (and CPython) for ordinary Python code.
try:
    import micropython
except ImportError:
    class micropython:  # CPython: the decorators do nothing
        native = staticmethod(lambda f: f)
        viper = staticmethod(lambda f: f)


@micropython.native
def arith(a, b):
    return a + b, a - b, a * b, a // b, a % b, a ** 2, -a, a < b, a <= b, a == b, a != b, a > b, a >= b


print(arith(7, 3))
print(arith(-7, 3))
print(arith(2**62, 2**62))  # small-int overflow into big ints
print(arith(-(2**62), 2**62 - 1))
print(arith(2**100, 3))
print(arith(7.5, 2.0))
print(arith(3, 2.5))


@micropython.native
def bits(a, b):
    x = a & b
    x |= 1 << 3
    return x, a | b, a ^ b, a ^ a, ~a, a << 2, a >> 1, (a ^ b) & 0xFF


for a, b in [(12, 10), (-12, 10), (-1, -2**62), (2**62 + 3, 2**61 - 1), (2**80, -5), (True, 3)]:
    print(bits(a, b))


@micropython.native
def strings(s):
    out = s + "!"
    out += s.upper()
    return out, len(out), out[1:3], f"<{s}:{len(s):3d}>", "%s=%d" % (s, 5), s * 2, "b" in s


print(strings("abc"))


@micropython.native
def loops(n):
    total = 0
    i = 0
    while i < n:
        if i % 3 == 0:
            i += 1
            continue
        total += i
        if total > 1000:
            break
        i += 1
    else:
        total = -total
    acc = []
    for k in range(n):
        if k == 5:
            break
        acc.append(k * k)
    else:
        acc.append("no break")
    for a, b in [(1, 2), (3, 4)]:
        acc.append(a * b)
    return total, acc


print(loops(10))
print(loops(100))
print(loops(3))


@micropython.native
def containers(x):
    l = [1, 2, x]
    l[0] = 10
    l[-1] += 1
    del l[1]
    d = {"a": x, "b": [x]}
    d["c"] = d.get("a", 0) + 1
    s = {1, 2, 2, x}
    t = (x, *l, *d)
    first, *rest = t
    comp = [i * 2 for i in l if i > 1]
    return l, sorted(d.items()), sorted(s), t, first, rest, comp, {k: v for k, v in d.items() if k != "b"}


print(containers(5))
