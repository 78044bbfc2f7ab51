print('a\tb\nc  d\r\ne'.split(), ' a '.split(' '), 'a  b'.split(' '), '\n'.split('\n'), 'abc'.split('c'))
