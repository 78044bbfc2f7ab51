"""A frozen package: submodules import each other relatively (tests/test_frozen.py)."""
from . import helper
from .sub.deep import DEEP_VALUE

PKG_VALUE = helper.double(DEEP_VALUE)
