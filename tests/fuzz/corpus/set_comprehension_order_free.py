s = {x * 7 % 10 for x in range(10)}
print(sorted(s), len(s), 0 in s)
