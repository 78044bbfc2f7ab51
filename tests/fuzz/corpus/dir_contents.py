class A:
    def m(self): pass
    x = 1
print('m' in dir(A), 'x' in dir(A()), 'append' in dir([]), 'keys' in dir({}))
