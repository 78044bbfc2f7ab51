total = 0
def add_all(nums):
    def add(n):
        global total
        total += n
    for n in nums:
        add(n)
add_all([1, 2, 3])
print(total)
