def f():
    try:
        raise ValueError
    finally:
        return 'finally wins'
print(f())
def g():
    try:
        return 'try'
    finally:
        print('finally runs')
print(g())
def h():
    for i in range(3):
        try:
            return i
        finally:
            if i == 0:
                continue
print(h())
