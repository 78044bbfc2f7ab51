l = [1, 2]
l.extend(l)
print(l)
l += l
print(len(l))
l[1:1] = l[:2]
print(l[:6])
