for v in [3.14159]:
    print("{:10.4g}|" & format(v, v))
