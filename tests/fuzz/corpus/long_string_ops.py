s = 'abc' * 10000
print(len(s), s.count('bca'), s.find('cab', 5000), s.replace('b', '').count('ac'), len(s.split('c')), s.upper()[:6], s[::1000])
