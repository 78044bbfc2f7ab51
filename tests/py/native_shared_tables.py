# @micropython.native/viper functions compiled after others in the same source: their constants and
# names are numbered module-wide (the emitter reads them while the source is still being compiled).
try:
    import micropython
except ImportError:
    class micropython:  # CPython: the decorators do nothing
        native = staticmethod(lambda f: f)
        viper = staticmethod(lambda f: f)

G0 = 'g0'


def before(a):
    return a, 'before', 1.5, 12345678901234567890, G0


G1 = [1, 2, 3]


@micropython.native
def nat(x):
    y = before(x)
    return y, 'nat', 2.5, 98765432109876543210, G1, len(G1), x * 7


@micropython.viper
def vip(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * 3
    return total


def after(a):
    return nat(a), vip(10), 'after'


print(before(1))
print(nat(2))
print(vip(100))
print(after(3))
print(type(nat.__code__.co_filename).__name__, nat.__code__.co_argcount, nat.__code__.co_varnames)


@micropython.native
def boom(d):
    return d['missing']


try:
    boom({})
except KeyError as e:
    print('KeyError', e)
