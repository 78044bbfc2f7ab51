print(None == None, None is None, None != 0, bool(None), str(None), repr(None), [None] * 2, {None: 1}[None])
try:
    None + 1
except TypeError as e:
    print('TypeError')
try:
    len(None)
except TypeError as e:
    print('TypeError len')
