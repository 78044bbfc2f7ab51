import sys
try:
    1 / 0
except ZeroDivisionError as e:
    sys.print_exception(e)
print(sys.implementation.name, sys.platform)
