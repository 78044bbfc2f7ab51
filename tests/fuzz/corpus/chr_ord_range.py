print([chr(i) for i in range(65, 70)], [ord(c) for c in 'az09'], chr(0x263A), ord('\u263a'), chr(128512) == '😀')
try:
    chr(-1)
except ValueError:
    print('ValueError')
try:
    ord('ab')
except TypeError:
    print('TypeError')
