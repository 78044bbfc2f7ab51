from ..helper import double

DEEP_VALUE = double(21)


def where():
    return __name__
