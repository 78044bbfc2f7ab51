for src in ['if 1:\nx = 1', 'if 1:\n    x = 1\n  y = 2', '  x = 1', 'def f():\n    pass\n        y']:
    try:
        compile(src, 's', 'exec')
        print('ok')
    except SyntaxError as e:
        print(isinstance(e, SyntaxError), e.lineno)
