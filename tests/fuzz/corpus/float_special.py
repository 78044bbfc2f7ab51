inf = float('inf')
nan = float('nan')
print(inf, -inf, inf + 1, inf > 1e308, nan == nan, nan != nan, inf - inf != inf - inf, min(inf, 3), -inf < 0)
print(float('-0.0'), 0.0 == -0.0, repr(-0.0))
try:
    int(inf)
except OverflowError as e:
    print('OverflowError')
try:
    1.0 / 0
except ZeroDivisionError as e:
    print('ZeroDivisionError', e)
