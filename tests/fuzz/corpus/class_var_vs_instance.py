class C:
    x = 1
    def bump(self):
        self.x += 1
c = C()
c.bump()
print(c.x, C.x, 'x' in c.__dict__)
C.x = 10
print(C().x, c.x)
