print('a\tb', 'c\\d', 'e\'f', "g\"h", '\x41\x42', '\101', '\u00e9', '\U0001F600' == '😀', len('\n'), r'\n', 'a' 'b' 'c')
print('''tri
ple''', """dq""")
print('line \
continued')
