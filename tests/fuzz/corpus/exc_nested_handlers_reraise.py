def f(x):
    try:
        try:
            return 1 / x
        except ZeroDivisionError:
            raise ValueError('wrapped')
    except ValueError as e:
        return 'outer ' + str(e)
print(f(0), f(2))
