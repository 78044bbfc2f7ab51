# CPython 3.11's limit of 4300 digits for int <-> decimal str conversions (powers of two bases are exempt)
def attempt(f):
    try:
        r = f()
        print(r if len(r) < 60 else (len(r), r[:10]))
    except ValueError as e:
        print("ValueError", str(e)[:40])


big = 10 ** 4299
attempt(lambda: str(big))
attempt(lambda: str(10 ** 4300))
attempt(lambda: str(-(10 ** 4300 - 1)))
attempt(lambda: str(-(10 ** 4300)))
attempt(lambda: repr(2 ** 20000))
attempt(lambda: hex(2 ** 20000))
attempt(lambda: bin(2 ** 5000)[:12])
attempt(lambda: "%d" % (10 ** 5000))
attempt(lambda: f"{10 ** 5000}")
attempt(lambda: str(int("9" * 4300)))
attempt(lambda: str(int("9" * 4301)))
attempt(lambda: str(int("-" + "1" * 4301)))
attempt(lambda: str(int("f" * 5000, 16) % 1000))
attempt(lambda: str(int("7" * 5000, 8) % 1000))
attempt(lambda: str(int("1_0" * 2200)))
