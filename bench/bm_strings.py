# bm_strings.py: string building, splitting, joining, formatting and searching.


def work(n):
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    total = 0
    for i in range(n):
        line = " ".join(words[(i + k) % len(words)] for k in range(6))
        parts = line.split()
        total += len(parts)
        s = "%s-%d:%s" % (parts[0], i, parts[-1].upper())  # noqa: UP031 (measures %-formatting)
        total += s.find(":")
        t = f"{i}|{parts[2]:>8}|{i / 7:.2f}"
        total += len(t)
        u = line.replace("a", "A").lower()
        if u.startswith("a"):
            total += 1
        total += u.count("e")
        f = f"{i:04d}{parts[1][::-1]}"
        total += len(f)
    return total


print(work(100000))
