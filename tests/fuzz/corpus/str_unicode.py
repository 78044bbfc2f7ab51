s = 'héllo wörld ☃'
print(len(s), s[1], s[-1], s[6:11], s.upper())
print([c for c in 'aé☃'], list(reversed('añb')))
print(s.encode(), len(s.encode()), b'\xc3\xa9'.decode())
print('☃' in s, s.find('w'), s.index('☃'))
print('ß'.upper(), 'ÀÉ'.lower())
