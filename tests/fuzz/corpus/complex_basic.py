a = 1 + 2j
b = 3 - 1j
print(a, b, a + b, a - b, a * b, a / b, -a, abs(3 + 4j))
print(a.real, a.imag, a.conjugate(), complex(1, 2) == a, 2j * 2j, 1j ** 2)
print(complex(3), complex(0, -1), (1+1j) ** 2, 0j)
