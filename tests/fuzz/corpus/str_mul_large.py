s = 'ab' * 1000
print(len(s), s[:6], s[-4:], s.count('ab'))
t = ''.join(str(i % 10) for i in range(5000))
print(len(t), t[4990:])
