for x in range(-2, 3):
    print('neg' if x < 0 else 'zero' if x == 0 else 'pos')
print((lambda n: 'even' if n % 2 == 0 else 'odd')(7))
