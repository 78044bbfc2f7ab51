for v in [0, 7, -7, 255, 2**31, -2**63, 10**20]:
    print(str(v), hex(v), oct(v), bin(v), int(str(v)), int(hex(v), 16), repr(v))
