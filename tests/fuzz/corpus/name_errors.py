def f():
    return undefined_var
try:
    f()
except NameError as e:
    print(e)
def g():
    x += 1
try:
    g()
except UnboundLocalError as e:
    print('UnboundLocalError')
