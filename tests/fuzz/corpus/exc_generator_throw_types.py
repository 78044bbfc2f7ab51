def g():
    while True:
        try:
            yield
        except ValueError as e:
            print('caught', e)
x = g()
next(x)
x.throw(ValueError('one'))
x.throw(ValueError, ValueError('two'))
try:
    x.throw(KeyError('k'))
except KeyError as e:
    print('propagated', e)
