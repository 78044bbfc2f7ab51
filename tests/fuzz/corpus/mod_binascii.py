import binascii
print(binascii.hexlify(b'\x00\x7f\xff'), binascii.unhexlify(b'deadbeef'), binascii.unhexlify('00ff'))
print(binascii.b2a_base64(b'Kiln rocks'), binascii.a2b_base64(b'S2lsbiByb2Nrcw=='))
for n in range(5):
    data = bytes(range(n))
    print(n, binascii.b2a_base64(data), binascii.a2b_base64(binascii.b2a_base64(data)) == data)
print(binascii.crc32(b'hello world'), binascii.crc32(b''), binascii.crc32(b'world', binascii.crc32(b'hello ')))
print(binascii.hexlify(b'ab', '-') if False else binascii.hexlify(b'ab'))
