class Date:
    def __init__(self, y, m, d):
        self.y, self.m, self.d = y, m, d
    @classmethod
    def parse(cls, s):
        return cls(*map(int, s.split('-')))
    def __repr__(self):
        return '%04d/%02d/%02d' % (self.y, self.m, self.d)
class Stamp(Date):
    pass
print(Date.parse('2024-1-5'), type(Stamp.parse('1999-12-31')).__name__)
