src = '''
class P:
    def __init__(self, v):
        self.v = v
    def double(self):
        return self.v * 2
def make(n):
    return [P(i).double() for i in range(n)]
result = make(4)
'''
ns = {}
exec(src, ns)
print(ns['result'], ns['P'](5).double())
