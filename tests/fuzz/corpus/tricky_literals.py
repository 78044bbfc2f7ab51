b"\xff" rb"\d" 0x_1 1_000.5e-3j 0o17 "\N{DASH}" u"\u1234" """
