import micropython
from micropython import const
X = const(42)
print(X, micropython.const(7) + 1)
micropython.heap_lock()
try:
    l = [1, 2, 3] * 100
    print('allocated')
except MemoryError:
    print('MemoryError while locked')
micropython.heap_unlock()
l = [0] * 10
print(len(l))
seen = []
micropython.schedule(seen.append, 'scheduled')
for i in range(100000):
    pass
print(seen)
