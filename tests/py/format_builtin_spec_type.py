# format() with a format spec that is not a str raises TypeError (found by the fuzzer).
for spec in [1.5, 3, None, b"x"]:
    try:
        format(2.5, spec)
    except TypeError as e:
        print("TypeError", e)
print(format(2.5, "6.2f"), format(7, ""))
