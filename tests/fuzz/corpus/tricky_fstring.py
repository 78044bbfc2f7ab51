x = f"{a!r:>{w}.{p}}" if 0 else 1
