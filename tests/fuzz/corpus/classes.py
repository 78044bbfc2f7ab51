class Animal:
    kind = 'animal'
    def __init__(self, name):
        self.name = name
    def speak(self):
        return self.name + ' makes a sound'
    def describe(self):
        return '%s is an %s' % (self.name, self.kind)
class Dog(Animal):
    kind = 'dog'
    def speak(self):
        return self.name + ' barks'
class Puppy(Dog):
    def speak(self):
        return super().speak() + ' softly'
a = Animal('generic'); d = Dog('rex'); p = Puppy('bit')
print(a.speak(), d.speak(), p.speak(), p.describe())
print(isinstance(p, Animal), isinstance(a, Dog), issubclass(Puppy, Animal), issubclass(Dog, Puppy))
print(type(p).__name__, Puppy.__name__, Puppy.kind, p.kind)
p.kind = 'special'; print(p.kind, Puppy.kind)
print(hasattr(p, 'name'), getattr(p, 'name'), getattr(p, 'x', 'none'))
setattr(p, 'age', 3); print(p.age)
delattr(p, 'age'); print(hasattr(p, 'age'))
class Counter:
    count = 0
    def __init__(self):
        Counter.count += 1
Counter(); Counter(); print(Counter.count)
print([c.__name__ for c in Puppy.__mro__])
class Empty: pass
e = Empty(); e.x = 1; print(e.x, e.__dict__)
