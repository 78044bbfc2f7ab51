print('%s%%' % 50, '%5.1f%%' % 12.345, '%c%c' % (72, 'i'), '%-6s|%6s' % ('ab', 'cd'), '%+.2e' % 12345.678, '%o %X %#x' % (8, 255, 255))
try:
    '%d' % 'x'
except TypeError:
    print('TypeError')
try:
    '%s %s' % (1,)
except TypeError:
    print('TypeError not enough')
