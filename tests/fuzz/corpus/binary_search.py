def bsearch(a, t):
    lo, hi = 0, len(a) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if a[mid] == t:
            return mid
        if a[mid] < t:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1
a = list(range(0, 1000, 7))
print([bsearch(a, t) for t in (0, 7, 700, 994, 5, 2000)])
