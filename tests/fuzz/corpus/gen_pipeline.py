def read(lines):
    for l in lines:
        yield l.strip()
def nonempty(it):
    return (l for l in it if l)
def numbers(it):
    for l in it:
        try:
            yield int(l)
        except ValueError:
            pass
data = [' 1', '', 'x', '22 ', '3']
print(list(numbers(nonempty(read(data)))), sum(numbers(read(data))))
