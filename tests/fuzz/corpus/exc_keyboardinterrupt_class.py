print(issubclass(KeyboardInterrupt, BaseException), issubclass(KeyboardInterrupt, Exception), issubclass(SystemExit, Exception), issubclass(GeneratorExit, Exception))
try:
    raise KeyboardInterrupt
except Exception:
    print('wrong')
except BaseException as e:
    print('base', type(e).__name__)
