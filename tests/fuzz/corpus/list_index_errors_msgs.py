l = [1, 2]
try:
    l[2] = 0
except IndexError as e:
    print(e)
try:
    l.index(5)
except ValueError as e:
    print(e)
try:
    (1, 2).index(5)
except ValueError as e:
    print(e)
