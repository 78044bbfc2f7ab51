s = 'Grüße aus Köln'
print(s.upper(), s.lower(), len(s), s.split(), s.replace('ö', 'oe'), s.find('K'), s[6:9], s.encode('utf-8'))
