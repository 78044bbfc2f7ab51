l = []
for i in range(10):
    l.insert(i % 3, i)
print(l)
while 5 in l:
    l.remove(5)
l.insert(-1, 'x')
l.insert(100, 'end')
l.insert(-100, 'start')
print(l, l.pop(2), len(l))
