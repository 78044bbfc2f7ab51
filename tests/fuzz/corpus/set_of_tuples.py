pts = {(0, 0), (1, 2), (0, 0), (2, 1)}
print(sorted(pts), (1, 2) in pts)
seen = set()
for w in 'the cat the dog the end'.split():
    seen.add(w)
print(sorted(seen))
