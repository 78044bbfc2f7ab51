def gcd(a, b):
    while b:
        a, b = b, a % b
    return a
print([gcd(a, b) for a, b in [(12, 18), (17, 5), (100, 75), (0, 9)]], 12 * 18 // gcd(12, 18))
