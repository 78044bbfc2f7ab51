ba = bytearray()
for i in range(5):
    ba.append(i * 10)
print(ba, list(ba), ba[-1], 20 in ba)
ba[0:2] = b'\xff'
print(ba)
ba += b'!'
print(ba, len(ba), bytes(ba) == ba)
print(bytearray(b'abc').decode(), bytearray(b'x') + b'y')
