from array import array
a = array('i', [1, -2, 3])
a.append(40)
a.extend([5, 6])
print(a, len(a), a[0], a[-1], a[1:3], list(a), sum(a), 3 in a)
a[0] = 100
print(a.tolist(), a.typecode, a.itemsize)
b = array('B', b'\x01\x02\xff')
print(b, b.tobytes(), list(b))
f = array('d', [1.5, 2.5])
print(f, f[1] * 2)
h = array('h')
h.frombytes(b'\x01\x00\xff\xff')
print(h, h.pop(), h)
try:
    array('B', [256])
except OverflowError:
    print('OverflowError')
print(array('i', [1, 2]) == array('i', [1, 2]), array('i', [1]) + array('i', [2]))
