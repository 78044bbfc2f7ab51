# Big-int products against CPython: operands from a fixed LCG (not random, whose generators differ)
state = 12345


def rnd(bits):
    global state
    out = 0
    for _ in range((bits + 29) // 30):
        state = (state * 1103515245 + 12345) % 2147483648
        out = (out << 30) | (state >> 1)
    return out >> ((bits + 29) // 30 * 30 - bits)


for i in range(60):
    state_bits = 1 + (i * 7919) % 4000
    a = rnd(state_bits) * (1 if i % 3 else -1)
    b = rnd(1 + (i * 104729) % 4000) * (1 if i % 5 else -1)
    if i % 7 == 0:
        b = a
    if i % 11 == 0:
        a = (1 << (600 + i * 17)) - 1
    p = a * b
    print(p % 1000000007, p.bit_length(), (p >> 1000) & 0xffff, p == b * a)
x = 3 ** 3005
print(x % 1000000007, x.bit_length())
print(pow(7, 5000) % 998244353, (2**4000 - 1) * (2**4000 + 1) == 2**8000 - 1)
# every split of the two operand sizes around the Karatsuba threshold (40 16-bit digits) and the cut into pieces
for abits in range(560, 1500, 190):
    for bbits in range(500, 3400, 580):
        a, b = rnd(abits), rnd(bbits)
        assert a * b == b * a and (a * b) // b == a, (abits, bbits)
        print((a * b) % 65521, end=" ")
print()
