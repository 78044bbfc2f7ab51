class Res:
    def __init__(self): self.log = []
    def __enter__(self):
        self.log.append('in')
        return self.log
    def __exit__(self, *exc):
        self.log.append('out:%s' % (exc[0].__name__ if exc[0] else None))
        return False
r = Res()
with r as log:
    log.append('body')
print(r.log)
try:
    with Res() as l2:
        raise IndexError
except IndexError:
    print('raised')
