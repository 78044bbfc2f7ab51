c = compile('1 + 1', 'e', 'eval')
print(eval(c))
c = compile('x = 5\ny = x * 2', 'x', 'exec')
ns = {}
exec(c, ns)
print(ns['y'])
try:
    compile('x = 1', 'e', 'eval')
except SyntaxError:
    print('SyntaxError in eval mode')
