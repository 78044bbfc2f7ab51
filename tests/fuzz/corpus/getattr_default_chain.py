class A:
    x = 1
a = A()
print(getattr(a, 'x'), getattr(a, 'y', 'dflt'), hasattr(a, 'x'), hasattr(a, 'y'), getattr(A, 'x'))
try:
    getattr(a, 'y')
except AttributeError as e:
    print('AttributeError', e)
