def g():
    for i in range(3):
        try:
            yield i
        except KeyError:
            yield 'k'
        finally:
            print('f', i)
x = g()
print(next(x), x.throw(KeyError), next(x), next(x))
