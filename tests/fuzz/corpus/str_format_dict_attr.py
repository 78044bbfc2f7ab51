class P:
    x = 1
    y = [10, 20]
p = P()
print('{0.x} {0.y[1]} {d[k]} {d[k2][0]}'.format(p, d={'k': 'v', 'k2': 'w'}))
print('{:{w}.{p}f}'.format(3.14159, w=8, p=3), '{:>{w}}'.format('r', w=4))
