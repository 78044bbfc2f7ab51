def g():
    try:
        yield 1
        yield 2
    finally:
        print('cleanup')
x = g()
print(next(x))
x.close()
print('closed')
for v in g():
    print(v)
    break
print('after break')
