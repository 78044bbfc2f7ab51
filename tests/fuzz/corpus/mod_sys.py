import sys
print(type(sys.argv).__name__, len(sys.argv) >= 1, type(sys.path).__name__)
print('sys' in sys.modules, sys.maxsize > 2**30, sys.byteorder)
print(type(sys.implementation.name).__name__)
sys.stdout.write('written\n')
try:
    sys.exit(3)
except SystemExit as e:
    print('SystemExit', e.code)
