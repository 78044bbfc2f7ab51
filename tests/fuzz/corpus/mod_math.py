import math
print(math.sqrt(16), math.pi, math.e, math.floor(-2.5), math.ceil(2.1), math.trunc(-2.7))
print(math.sin(0), math.cos(0), round(math.tan(math.pi / 4), 10), math.atan2(1, 1))
print(math.log(math.e), math.log(8, 2), math.log10(1000), math.log2(1024), math.exp(0))
print(math.pow(2, 0.5), math.fabs(-3), math.fmod(7, 3), math.hypot(3, 4), math.copysign(1, -0.0))
print(math.isnan(float('nan')), math.isinf(math.inf), math.isfinite(1.0), math.gcd(12, 18), math.factorial(10))
print(math.degrees(math.pi), math.radians(180), math.modf(2.5), math.frexp(8.0), math.ldexp(0.5, 4))
print(math.isclose(0.1 + 0.2, 0.3), math.comb(5, 2), math.isqrt(99), math.prod([1, 2, 3, 4]), math.fsum([0.1] * 10))
try:
    math.sqrt(-1)
except ValueError as e:
    print('ValueError', e)
try:
    math.log(0)
except ValueError as e:
    print('ValueError', e)
print(math.floor(3), math.ceil(-0.5), type(math.floor(2.5)).__name__)
