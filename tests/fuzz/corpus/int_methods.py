print((255).bit_length(), (0).bit_length(), (-8).bit_length(), (2**100).bit_length())
print((1024).to_bytes(2, 'big'), (1024).to_bytes(2, 'little'), (-1).to_bytes(2, 'big', signed=True))
print(int.from_bytes(b'\x01\x00', 'big'), int.from_bytes(b'\x01\x00', 'little'), int.from_bytes(b'\xff\xff', 'big', signed=True))
print(int.from_bytes(bytes(range(20)), 'big'))
print((5).real, (5).imag, (7).numerator, (7).denominator)
print(int('  -0b101 ', 0), int('0o17', 8), int('1' * 30), int(-2.5), int('-0'))
for bad in ['', '1.5', 'abc', '1 2', '0x']:
    try:
        int(bad)
    except ValueError as e:
        print('ValueError', e)
