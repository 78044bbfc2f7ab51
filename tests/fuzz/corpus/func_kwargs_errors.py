def f(a, b=2):
    return a + b
for call in [lambda: f(), lambda: f(1, 2, 3), lambda: f(1, c=3), lambda: f(1, a=1)]:
    try:
        call()
    except TypeError as e:
        print('TypeError')
print(f(b=5, a=1))
