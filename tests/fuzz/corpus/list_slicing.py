l = list(range(10))
print(l[2:8:3], l[::-2], l[-1:-5:-1], l[5:], l[:-7], l[100:], l[3:3])
l[2:5] = []
print(l)
l[1:1] = [10, 11]
print(l)
l[-2:] = 'xy'
print(l)
