import random
recs = [(i % 3, i) for i in range(20)]
print(sorted(recs, key=lambda r: r[0]))
words = ['banana', 'Apple', 'cherry', 'apple', 'Banana']
print(sorted(words), sorted(words, key=str.lower), sorted(words, key=len, reverse=True))
nums = [5, 3, 8, 1, 9, 2, 7, 4, 6, 0] * 3
nums.sort()
print(nums)
l = list(range(100, 0, -1))
l.sort()
print(l[:5], l[-5:])
print(sorted([3.5, 1, 2.25, -1]), sorted([[2, 1], [1, 2], [1, 1]]))
try:
    sorted([1, 'a'])
except TypeError as e:
    print('TypeError')
