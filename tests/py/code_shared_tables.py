# Every code object of one source shares its constants and names (module-wide indices) and the file
# name lives once per source: nested functions, classes, lambdas and comprehensions must still see
# their own constants, names, locals and file name, with values of equal-looking constants kept apart.

SRC = '''
K = 'shared.py'
def consts_a():
    return 1, 1.0, True, '1', b'1', (1, 2), 0.0, -0.0, None, 'shared.py'
def consts_b():
    return True, 1.0, 1, b'1', '1', (1, 2.0), -0.0, 0.0, ..., K
class C:
    attr = 'class body'
    def method(self, x, *, y=3):
        inner = [x * k for k in (1, 2, 3)]
        return inner, y, self.attr, (lambda z: z + x)(10)
def outer(a):
    b = a + 1
    def middle(c):
        d = c * 2
        def inner(e):
            return a, b, c, d, e, 'inner'
        return inner
    return middle
def gen(n):
    for i in range(n):
        yield i, 'gen'
'''

code = compile(SRC, 'shared.py', 'exec')
print(code.co_filename)
ns = {}
exec(code, ns)
for v in ns['consts_a']() + ns['consts_b']():
    print(type(v).__name__, repr(v))
print(ns['C']().method(5))
print(ns['outer'](1)(2)(3))
print(list(ns['gen'](3)))
for name in ('consts_a', 'consts_b', 'gen'):
    f = ns[name]
    print(name, f.__code__.co_filename, f.__code__.co_argcount, f.__code__.co_varnames)
print(ns['outer'].__code__.co_filename, ns['outer'].__code__.co_argcount)
m = ns['C'].method.__code__
print(m.co_filename, m.co_argcount, m.co_varnames)
inner = ns['outer'](1)(2)
print(inner.__code__.co_filename, inner.__code__.co_varnames)

# A constant equal to the file name, and one equal to a name, stay constants.
ns2 = {}
exec(compile("def f():\n    return 'other.py', 'f', f.__name__\nx = f()\n", 'other.py', 'exec'), ns2)
print(ns2['x'], ns2['f'].__code__.co_filename)

# Two sources compiled separately keep their own file names and constants.
f1 = {}
f2 = {}
exec(compile('def g():\n    return 111\n', 'one.py', 'exec'), f1)
exec(compile('def g():\n    return 222, 111\n', 'two.py', 'exec'), f2)
print(f1['g'](), f1['g'].__code__.co_filename, f2['g'](), f2['g'].__code__.co_filename)

# eval sources and default file names.
print(eval(compile('(lambda q: q * 3)(7)', 'ev.py', 'eval')))
print(compile('1', '<string>', 'eval').co_filename)
