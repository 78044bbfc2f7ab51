d = {}
d.update([(1, 'a'), (2, 'b')])
d.update({3: 'c'})
d.update(x=1)
print(d)
try:
    d.update([1, 2])
except (TypeError, ValueError) as e:
    print(type(e).__name__)
