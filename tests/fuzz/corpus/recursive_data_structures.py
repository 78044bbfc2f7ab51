def flatten(l):
    out = []
    for x in l:
        if isinstance(x, list):
            out.extend(flatten(x))
        else:
            out.append(x)
    return out
print(flatten([1, [2, [3, [4, []]], 5], [[6]]]))
def depth(t):
    return 1 + max((depth(c) for c in t), default=0) if isinstance(t, list) else 0
print(depth([[[]], [[[1]]]]))
