counter = 0
def inc():
    global counter
    counter += 1
for _ in range(5):
    inc()
print(counter)
def shadow():
    counter = 'local'
    return counter
print(shadow(), counter)
def unbound():
    try:
        print(v)
    except NameError as e:
        print(type(e).__name__)
    v = 1
unbound()
class K:
    a = 1
    b = a + 1
    c = [a * i for i in range(3)] if False else None
print(K.a, K.b)
