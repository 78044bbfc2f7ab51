print(1_000_000, 0x_ff, 0b_1010, 0o_17, int('1_0'), 1_0.5e1_0 if False else 0)
print(0xFF, 0o777, 0b101, 1e3, 1.5e-3, .5, 5., 1_000.000_1)
