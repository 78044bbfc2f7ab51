def hello(self): return 'hi ' + self.name
P = type('P', (object,), {'name': 'dyn', 'hello': hello})
p = P()
print(p.hello(), type(p).__name__, P.__bases__[0].__name__, isinstance(p, P))
Q = type('Q', (P,), {})
print(Q().hello(), issubclass(Q, P))
