class Shape:
    def __init__(self, w, h): self.w, self.h = w, h
    @property
    def area(self): return self.w * self.h
class Square(Shape):
    def __init__(self, s): super().__init__(s, s)
    @property
    def area(self): return 'square ' + str(super().area)
print(Shape(2, 3).area, Square(4).area)
