adders = {n: (lambda x, n=n: x + n) for n in range(3)}
print(adders[2](10))
mul = lambda a: lambda b: a * b
print(mul(3)(4))
compose = lambda f, g: lambda x: f(g(x))
print(compose(str, abs)(-5))
