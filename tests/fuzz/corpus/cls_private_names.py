class A:
    def __init__(self):
        self._protected = 1
        self.__hidden = 2
    def reveal(self):
        return self.__hidden
a = A()
print(a._protected, a.reveal(), hasattr(a, '__hidden'))
