import select, sys
p = select.poll()
p.register(sys.stdin, select.POLLIN)
r = p.poll(0)
print(type(r).__name__)
