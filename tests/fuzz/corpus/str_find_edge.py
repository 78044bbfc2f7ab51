s = 'aaa'
print(s.find(''), s.find('', 10), s.count(''), s.count('a'), s.count('aa'), s.replace('a', 'b', 0), s.split('a'), s.rfind(''), 'abc'.index('c', 1))
