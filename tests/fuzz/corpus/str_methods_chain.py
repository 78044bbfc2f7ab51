s = '  Hello, World!  '
print(s.strip().lower().replace('world', 'kiln').split(', '), '|'.join(s.split()), s.strip('! ').upper())
