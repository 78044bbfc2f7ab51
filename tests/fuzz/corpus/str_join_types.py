try:
    ','.join([1, 2])
except TypeError:
    print('TypeError')
print(','.join(map(str, [1, 2])), ''.join(('a', 'b')), '-'.join('xyz'), b', '.join([b'a', b'b']))
