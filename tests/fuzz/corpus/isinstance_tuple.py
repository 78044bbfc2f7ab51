print(isinstance(1, (int, float)), isinstance('a', (int, float)), isinstance(True, bool), isinstance(True, int), isinstance(1, object), isinstance(int, type), issubclass(bool, int), issubclass(int, object))
print(isinstance([], (list, tuple)), isinstance((), list))
