b = b'  Hello World  '
print(b.strip(), b.lower(), b.split(), b.startswith(b'  H'), b.find(b'o'), b.count(b'l'), b.isdigit() if hasattr(b, 'isdigit') else 0)
print(bytes(range(5)), b'%s' if False else b'x', b'abc'[::-1], b'a' * 3, b'z' < b'za')
