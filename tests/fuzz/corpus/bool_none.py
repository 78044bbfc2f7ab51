print(True, False, None, True + True, True * 10, False - 1)
print(bool(0), bool(1), bool(''), bool('a'), bool([]), bool([0]), bool(None), bool({}), bool(0.0))
print(not True, not 0, True and 5, 0 or 'x', None or 0, 1 and 0)
print(True == 1, False == 0, True is True, None is None, type(None))
print(isinstance(True, int), True & False, True | False, True ^ True)
x = None
print(x is None, x is not None, x == None)
