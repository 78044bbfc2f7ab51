print(b'abc'.hex(), bytes.fromhex('00ff7f'), b'%s' % b'x' if False else b'skip', bytes([1, 2]).hex(), repr(bytes(range(30, 40))))
