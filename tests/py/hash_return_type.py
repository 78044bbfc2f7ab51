# __hash__ must return an int: None and str are rejected, bool and big ints are accepted
class NoneHash:
    def __hash__(self):
        return None


class StrHash:
    def __hash__(self):
        return "x"


class BoolHash:
    def __hash__(self):
        return True


class BigHash:
    def __hash__(self):
        return 2 ** 80


for cls in (NoneHash, StrHash):
    try:
        hash(cls())
        print("no error")
    except TypeError:
        print(cls.__name__, "TypeError")
    try:
        {cls(): 1}
        print("no error")
    except TypeError:
        print(cls.__name__, "TypeError in dict")
print(hash(BoolHash()))
print(type(hash(BigHash())) is int)
print(len({BoolHash(), BoolHash()}))
