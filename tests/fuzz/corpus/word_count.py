text = '''the quick brown fox jumps over the lazy dog the fox'''
counts = {}
for w in text.split():
    counts[w] = counts.get(w, 0) + 1
print(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:4])
print(max(counts, key=counts.get), len(counts))
