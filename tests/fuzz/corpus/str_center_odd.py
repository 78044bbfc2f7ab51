for w in range(1, 8):
    print(repr('ab'.center(w, '*')), repr('abc'.center(w)), repr('a'.rjust(w, '0')))
