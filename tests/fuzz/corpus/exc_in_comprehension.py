def safe(v):
    try:
        return 10 // v
    except ZeroDivisionError:
        return None
print([safe(v) for v in range(-2, 3)])
try:
    [1 // v for v in [1, 0]]
except ZeroDivisionError:
    print('raised inside comprehension')
