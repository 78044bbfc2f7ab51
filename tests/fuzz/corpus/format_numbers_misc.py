print(format(255, '08b'), format(255, '#o'), format(-3.5, '+.2f'), format(1e6, ',.0f'), format(0.5, '.0%'), format(12, 'c') if False else 'x')
print('{:n}'.format(1234), '{:.3g}'.format(1234567), '{:e}'.format(0), '{:.2f}'.format(-0.001))
