x = 42
name = 'kiln'
print(f'{x}', f'{x + 1}', f'{name!r}', f'{name.upper()}', f'{x:>6}', f'{x:08.3f}')
print(f'{{literal}} {x}', f'{"nested"}', f"{'q'}", f'{[1, 2][1]}', f'{ {"a": 1}["a"] }')
w = 10
p = 3
print(f'{3.14159:{w}.{p}f}|', f'{x=}', f'{x = }', f'{name=!s}')
print(f'''multi
{x}''', F'{x}', rf'\n{x}')
d = {'k': 'v'}
print(f"{d['k']}", f'{x if x > 40 else 0}', f'{(lambda y: y * 2)(x)}')
