x = 5
print(eval('x * 2'), eval('y + 1', {'y': 10}), eval('a + b', {}, {'a': 1, 'b': 2}))
ns = {}
exec('def f(n):\n    return n * 3\nr = f(4)', ns)
print(ns['r'], ns['f'](2))
def local_exec():
    exec('z = 7')
    return 'ok'
print(local_exec())
