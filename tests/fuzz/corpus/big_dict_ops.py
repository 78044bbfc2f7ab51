d = {i: i * i for i in range(50000)}
print(len(d), d[49999], sum(d) % 1000)
for i in range(0, 50000, 3):
    del d[i]
print(len(d), 3 in d, 4 in d, d.get(4))
d2 = {str(i): i for i in range(20000)}
print(d2['19999'], len(d2))
