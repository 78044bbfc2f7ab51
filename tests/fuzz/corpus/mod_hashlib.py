import hashlib
print(hashlib.sha256(b'').hexdigest())
print(hashlib.sha256(b'The quick brown fox jumps over the lazy dog').hexdigest())
h = hashlib.sha256()
for i in range(100):
    h.update(bytes([i]) * i)
print(h.hexdigest(), len(h.digest()))
c = h.copy()
c.update(b'x')
print(c.hexdigest() != h.hexdigest(), hashlib.sha256(b'a' * 64).hexdigest(), hashlib.sha256(b'a' * 55).hexdigest())
