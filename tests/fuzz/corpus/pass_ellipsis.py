def f():
    ...
class C:
    pass
print(f(), C, ..., Ellipsis, type(...).__name__)
if True:
    pass
else:
    pass
