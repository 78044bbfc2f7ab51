print(True + True, True * 3, True / 2, False ** 0, -True, ~True, True << 3, sum([True, True, False]), int(True), float(False), True == 1.0, str(True), repr(False))
