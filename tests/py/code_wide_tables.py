# Code objects of one source share constants and names numbered module-wide, so indices pass 255
# (and 16-bit counts are used): many functions in one module, and functions with more than 255
# parameters, keyword-only parameters and closure cells, behave as in CPython.

# Many functions in one module, each with its own constants and names (module-wide indices past 255).
parts = []
for i in range(70):
    parts.append('def f%d(p):\n    return p + %d, "a%d", "b%d", "c%d", g%d\ng%d = %d\n' % (i, i * 1000, i, i, i, i, i, -i))
big = {}
exec(compile(''.join(parts), 'big.py', 'exec'), big)
print(sum(big['f%d' % i](1)[0] for i in range(70)), big['f69'](2), big['f0'](3), big['f35'].__code__.co_varnames)
parts = big = None

# Wide functions: more than 255 parameters, keyword-only parameters and closure cells.
n = 260
src = 'def wide(%s, *, %s):\n' % (', '.join('a%d' % i for i in range(n)), ', '.join('k%d=%d' % (i, i) for i in range(n)))
src += '    def inner():\n        return %s\n' % ' + '.join('a%d + k%d' % (i, i) for i in range(n))
src += '    return inner\n'
wide = {}
exec(src, wide)
w = wide['wide'](*range(n), k259=1000)
print(w(), wide['wide'].__code__.co_argcount, len(wide['wide'].__code__.co_varnames))
