for s in ['abc', 'ABC', 'Abc', '123', 'a1', '', ' ', 'Hello World', 'hello_world', '1.5']:
    print(repr(s), s.isalpha(), s.isdigit(), s.isalnum(), s.isspace(), s.isupper(), s.islower(), s.istitle())
