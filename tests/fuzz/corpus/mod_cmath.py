import cmath
print(cmath.sqrt(-4), cmath.sqrt(4), cmath.phase(-1), cmath.polar(1 + 1j), abs(cmath.exp(1j * cmath.pi) + 1) < 1e-15, cmath.rect(2, 0))
print(cmath.log(cmath.e), abs(cmath.sin(0)), cmath.cos(0))
