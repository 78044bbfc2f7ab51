def f(x):
    if x == 0:
        raise ValueError('zero')
    return 10 / x
for v in (2, 0):
    try:
        print(f(v))
    except ValueError as e:
        print('caught', e, type(e).__name__, e.args)
    else:
        print('else')
    finally:
        print('finally')
try:
    [][1]
except (KeyError, IndexError) as e:
    print('multi', type(e).__name__)
try:
    try:
        raise KeyError('k')
    except KeyError:
        print('inner')
        raise
except LookupError as e:
    print('outer', repr(e))
class MyError(Exception):
    def __init__(self, msg, code):
        super().__init__(msg)
        self.code = code
try:
    raise MyError('bad', 42)
except Exception as e:
    print(type(e).__name__, e, e.code, e.args, isinstance(e, MyError))
try:
    raise RuntimeError('a') from ValueError('b')
except RuntimeError as e:
    print(e, repr(e.__cause__))
def g():
    try:
        return 'try'
    finally:
        print('cleanup')
print(g())
def h():
    for i in range(3):
        try:
            if i == 1:
                continue
            if i == 2:
                break
        finally:
            print('fin', i)
    return i
print(h())
try:
    raise TypeError
except TypeError as e:
    print('bare type', repr(e), str(e) == '')
e = None
try:
    int('x')
except ValueError as err:
    e = err
print(type(e).__name__)
print(issubclass(ZeroDivisionError, ArithmeticError), issubclass(KeyError, Exception), issubclass(KeyboardInterrupt, Exception))
try:
    1 / 0
except ZeroDivisionError as ex:
    print(str(ex))
try:
    undefined_name
except NameError as ex:
    print(ex)
try:
    None.foo
except AttributeError as ex:
    print(ex)
try:
    'a' + 1
except TypeError as ex:
    print(ex)
