import random
random.seed(42)
a = [random.random() for _ in range(5)]
random.seed(42)
b = [random.random() for _ in range(5)]
print(a == b, all(0 <= x < 1 for x in a))
vals = [random.randint(1, 6) for _ in range(1000)]
print(min(vals), max(vals), len(set(vals)))
r = [random.randrange(0, 10, 3) for _ in range(200)]
print(sorted(set(r)))
l = list(range(20))
random.shuffle(l)
print(sorted(l) == list(range(20)), random.choice('abc') in 'abc', len(random.sample(range(100), 10)), len(set(random.sample(range(100), 10))))
u = random.uniform(5, 10)
print(5 <= u <= 10, random.getrandbits(8) < 256, random.getrandbits(70) < 2**70)
