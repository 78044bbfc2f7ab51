d = {i: i for i in range(10)}
for k in list(d):
    if k % 3 == 0:
        del d[k]
print(d)
