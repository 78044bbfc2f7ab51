class O: pass
class A(O): pass
class B(O): pass
class C(A, B): pass
class D(B, A): pass
print([k.__name__ for k in C.__mro__], [k.__name__ for k in D.__mro__])
try:
    class E(C, D): pass
except TypeError:
    print('inconsistent MRO')
