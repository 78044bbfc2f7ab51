def t(x):
    print('t', x)
    return x
print(t(0) and t(1))
print(t(1) and t(2))
print(t(0) or t(3))
print(t(4) or t(5))
print(not t(0) and t(6))
print(t(None) or t(0) or t('last'))
