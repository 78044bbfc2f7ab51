s = {1, 2, 3}
s &= {2, 3, 4}
print(sorted(s))
s ^= {3, 5}
print(sorted(s))
s.update([7], (8,))
print(sorted(s))
s.intersection_update({2, 7, 8})
print(sorted(s))
s.difference_update({7})
print(sorted(s))
