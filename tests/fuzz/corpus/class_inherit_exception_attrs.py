class AppError(Exception):
    def __init__(self, code, msg='app failure'):
        super().__init__(msg)
        self.code = code
    def __str__(self):
        return 'E%d: %s' % (self.code, self.args[0])
try:
    raise AppError(404)
except AppError as e:
    print(e, e.code, repr(e.args), isinstance(e, Exception))
class Sub(AppError): pass
try:
    raise Sub(500, 'server')
except AppError as e:
    print(type(e).__name__, e)
