from math import *
print(floor(2.5), ceil(2.5), sqrt(16))
