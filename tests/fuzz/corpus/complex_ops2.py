z = 3 + 4j
print(abs(z), z.real, z.imag, z * 1j, z / 2, z == complex(3, 4), -z, +z, z ** 0, (1 + 1j) * (1 - 1j))
print(complex('1') if False else 1, 1j.imag, (2j).real)
