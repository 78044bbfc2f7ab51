gv = 1
print('gv' in globals(), globals()['gv'])
def f(a):
    b = 2
    return sorted(locals().items())
print(f(1))
