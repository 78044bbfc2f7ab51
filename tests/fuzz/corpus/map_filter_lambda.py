print(list(map(str.upper, ['a', 'b'])), list(map(len, ['ab', 'c'])), list(filter(str.isdigit, ['1', 'a', '22'])))
print(sum(map(int, '12345')), list(map(lambda *a: a, [1, 2], [3, 4])))
