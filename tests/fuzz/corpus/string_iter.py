s = 'héllo'
for i, c in enumerate(s):
    print(i, c, ord(c))
print(list(s), tuple('ab'), set('aab') == {'a', 'b'}, ''.join(reversed(s)))
