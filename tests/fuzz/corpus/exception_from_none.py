try:
    try:
        {}['x']
    except KeyError:
        raise ValueError('converted') from None
except ValueError as e:
    print(e, e.__cause__)
