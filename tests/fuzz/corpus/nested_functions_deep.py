def a():
    def b():
        def c():
            def d():
                return 'deep'
            return d()
        return c()
    return b()
print(a())
def counter_factory():
    count = [0]
    def make():
        def inc():
            count[0] += 1
            return count[0]
        return inc
    return make
m = counter_factory()
i1 = m(); i2 = m()
i1(); i2()
print(i1())
