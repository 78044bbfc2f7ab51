import math as m
from math import sqrt as s, pi
import json, sys
print(m.sqrt(4), s(9), round(pi, 2), json.dumps(1), 'math' in sys.modules)
try:
    import nonexistent_module_xyz
except ImportError as e:
    print('ImportError', type(e).__name__)
try:
    from math import nonexistent
except ImportError:
    print('ImportError from')
