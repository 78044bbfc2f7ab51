class Config:
    def __init__(self, **kw):
        self.__dict__.update(kw)
    def __repr__(self):
        return 'Config(%s)' % ', '.join('%s=%r' % kv for kv in sorted(self.__dict__.items()))
c = Config(debug=True, level=3)
print(c, c.debug, c.level, vars(c) == {'debug': True, 'level': 3})
