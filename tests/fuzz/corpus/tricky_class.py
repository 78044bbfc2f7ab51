class A:
    def f(self):
        return __class__, super()
    __x = 1
    def g(self): return self.__x
print(A().f(), A().g())
