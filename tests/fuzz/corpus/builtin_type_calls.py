print(int(), float(), str(), bool(), list(), tuple(), dict(), set(), bytes(), bytearray(), complex())
print(type(1), type(1.0), type('s'), type([]), type(()), type({}), type(set()), type(None))
