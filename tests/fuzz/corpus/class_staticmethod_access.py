class A:
    @staticmethod
    def s(x): return x * 2
    @classmethod
    def c(cls, x): return cls.__name__ + str(x)
class B(A): pass
print(A.s(2), A().s(3), A.c(1), B.c(2), B().c(3), B.s(4))
f = A.s
print(f(5))
