tests = ['x = (1,', 'def f(:', 'return 5', 'a b', '1 = x', 'f() = 1', 'for x in 1 2: pass', 'if True\n  pass', 'x = [1, 2', 'break', "'abc", 'def f(a, a): pass', 'class:', 'x +', 'del 1', 'lambda: (yield)', '\tx', 'a = 1 +* 2', 'nonlocal x', 'def f():\n  x = 1\n  global x']
for src in tests:
    try:
        compile(src, '<test>', 'exec')
        print('compiled', repr(src))
    except SyntaxError as e:
        print('SyntaxError', repr(src), type(e).__name__)
