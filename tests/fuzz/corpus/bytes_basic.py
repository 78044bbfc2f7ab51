b = b'hello'
print(b, len(b), b[0], b[-1], b[1:3], b + b' world', b * 2, b'l' in b, 104 in b)
print(b.upper(), b.find(b'l'), b.replace(b'l', b'L'), b.split(b'e'), b.strip(b'ho'), b.decode())
print(bytes([65, 66, 67]), bytes(3), bytes('abc', 'utf-8'), bytes(b'xy'), list(b'ab'))
print(b == b'hello', b < b'help', b.hex(), bytes.fromhex('414243'), b.startswith(b'he'))
print(repr(b'\x00\xff\n'), b'a\tb', str(b'q'), b.count(b'l'), b'-'.join([b'a', b'b']))
ba = bytearray(b'abc')
ba[0] = 65
ba.append(100)
ba.extend(b'ef')
print(ba, len(ba), ba[1], bytes(ba), ba.decode(), ba[1:3])
ba[1:3] = b'XYZ'
print(ba)
del ba[0]
print(ba, bytearray(3), bytearray([1, 2]), ba == bytearray(b'XYZdef'))
m = memoryview(b'abcdef')
print(m[1], bytes(m[1:3]), len(m))
