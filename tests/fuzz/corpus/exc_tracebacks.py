import sys
def inner():
    raise ValueError('deep')
def outer():
    inner()
try:
    outer()
except ValueError as e:
    print('got', e)
class E(Exception):
    pass
try:
    raise E('custom', 1)
except E as e:
    print(e.args, str(e))
print(str(KeyError('k')), str(KeyError()), repr(ValueError('x', 2)), str(OSError(2, 'nofile')))
try:
    raise ValueError
except Exception as e:
    print(type(e).__name__, e.args)
try:
    assert 1 == 2, 'math broke'
except AssertionError as e:
    print('AssertionError', e)
try:
    assert False
except AssertionError as e:
    print('bare assert', e.args)
def gen_exc():
    try:
        yield 1
        raise KeyError('gen')
    except KeyError as e:
        yield 'handled ' + str(e)
print(list(gen_exc()))
try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise ValueError('during')
except ValueError as e:
    print('context', type(e.__context__).__name__)
