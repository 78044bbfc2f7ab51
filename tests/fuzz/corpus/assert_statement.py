assert True
assert 1 == 1, 'never'
try:
    assert 1 > 2, 'one is not greater'
except AssertionError as e:
    print('caught', e)
try:
    assert []
except AssertionError as e:
    print('empty', e.args)
