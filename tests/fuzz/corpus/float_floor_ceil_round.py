import math
for v in [2.5, -2.5, 3.49, -0.5, 0.5, 1.5, 7.0]:
    print(v, math.floor(v), math.ceil(v), round(v), int(v), math.trunc(v))
