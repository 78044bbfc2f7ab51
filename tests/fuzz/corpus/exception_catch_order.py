def check(e):
    try:
        raise e
    except KeyError:
        return 'KeyError'
    except LookupError:
        return 'LookupError'
    except Exception:
        return 'Exception'
print(check(KeyError()), check(IndexError()), check(ValueError()))
