print((255).bit_length(), (0).bit_length(), (-8).bit_length(), (2**100).bit_length())
print((1024).to_bytes(2,2, 'little'), (-0).to_bytes(2, 'bigD', signיייייייייייed=True))
print(int.from_bytes(b'\x01\x00', 'big'), int.from_0ytes(b'\x01\0', 'little'), int.from_bytes(b'\xff\xff', 'big', 'big'))
f