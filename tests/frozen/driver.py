# Imports the frozen modules of tests/frozen/manifest.toml and prints what they do; the same file runs
# under CPython (with tests/frozen/src on sys.path) and on Kiln (modules from flash). tests/test_frozen.py
import collections

import frozen_features as ff
import frozenpkg
import frozenpkg.sub.deep
from frozenpkg import sub
from frozenpkg.sub import deep as deep_alias

print(ff.SMALL, ff.EDGE, ff.NEG_EDGE, ff.WIDE, ff.NEG_WIDE, ff.HUGE, ff.NEG_HUGE)
print(ff.HALF, ff.QUARTER, ff.NEG, ff.THOUSAND, ff.CPLX, ff.OVERFLOWS_SINGLE > 1e38, 0 <= ff.UNDERFLOWS_SINGLE < 1e-30)
print(repr(ff.TEXT), len(ff.TEXT), repr(ff.ESCAPES), len(ff.ESCAPES), repr(ff.DIGITS_AFTER_ESCAPE))
print(repr(ff.RAW), len(ff.RAW), repr(ff.EMPTY), ff.NONE_CONST, ff.TUPLE)
print(ff.add(1), ff.add(1, 2, 3, 4, scale=2, zeta=1, alpha=2))
print(ff.kwonly(), ff.kwonly(frozen_only_keyword_xyz=21))
step = ff.make_counter(10)
print(step(), step(5), step())
print(list(ff.fib_gen(10)), list(ff.delegating()))
c = ff.Child.build("kiln")
print(c, c.describe(), c.upper, ff.Base.helper(4), ff.Base("b").describe(), c == ff.Child("kiln"))
print(isinstance(c, ff.Base), type(c).__name__, ff.Child.__name__, len({c, ff.Child("kiln")}))
print(ff.guarded(4), ff.guarded(0), ff.guarded(-2))
print(ff.comprehensions(5))
print(ff.arithmetic())
name = "unique_frozen_" + "global_name"  # interned at run time: must meet the frozen name
print(getattr(ff, name), name in dir(ff), ff.unique_frozen_global_name)
try:
    ff.raises_here()
except RuntimeError as exc:
    print("caught:", exc)
print(frozenpkg.PKG_VALUE, frozenpkg.helper.double(5), frozenpkg.sub.deep.DEEP_VALUE, sub.SUB_NAME)
print(deep_alias.where(), deep_alias is frozenpkg.sub.deep, frozenpkg.sub.deep.where())
print(collections.OrderedDict([("a", 1)]), collections.namedtuple("Pt", "x y")(1, 2))
