print(repr("'"), repr('"'), repr('\'"'), ['a\'b'], {'k"': 'v'})
