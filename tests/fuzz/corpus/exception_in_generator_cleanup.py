def g():
    try:
        yield 1
    except GeneratorExit:
        print('GeneratorExit seen')
        raise
x = g()
next(x)
x.close()
print('done')
