s = '0123456789'
for sl in [(None, None, None), (2, None, None), (None, 3, None), (-3, None, None), (None, None, 2), (None, None, -1), (8, 2, -2), (100, None, None), (-100, 3, None), (5, 5, None)]:
    print(sl, s[slice(*sl)])
