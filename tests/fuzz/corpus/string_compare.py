words = ['banana', 'apple', 'Cherry', 'apple2', '', 'a']
print(sorted(words), max(words), min(words))
print('abc' < 'abd', 'ab' < 'abc', 'B' < 'a', '' < 'a', 'abc' >= 'abc')
