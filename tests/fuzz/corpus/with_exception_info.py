class CM:
    def __enter__(self): return 'val'
    def __exit__(self, et, ev, tb):
        print('exit', et, ev)
        return True
with CM() as v:
    print(v)
    raise KeyError('swallowed')
print('continues')
