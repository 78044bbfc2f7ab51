l = ['b', 'C', 'a', 'D']
l.sort(key=None)
print(l)
l.sort(key=str.lower, reverse=True)
print(l)
nums = [(-1) ** i * i for i in range(10)]
print(sorted(nums, key=abs), sorted(nums, key=lambda v: (v % 3, v)))
