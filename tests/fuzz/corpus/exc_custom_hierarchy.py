class Base(Exception): pass
class A(Base): pass
class B(Base): pass
for cls in (A, B, Base):
    try:
        raise cls('msg-' + cls.__name__)
    except A as e:
        print('A handler', e)
    except Base as e:
        print('Base handler', e, type(e).__name__)
