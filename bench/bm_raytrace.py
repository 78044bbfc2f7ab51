# bm_raytrace.py: a tiny ray tracer: vector class arithmetic, method calls, sqrt.
import math


class Vec:
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

    def __add__(self, o):
        return Vec(self.x + o.x, self.y + o.y, self.z + o.z)

    def __sub__(self, o):
        return Vec(self.x - o.x, self.y - o.y, self.z - o.z)

    def scale(self, k):
        return Vec(self.x * k, self.y * k, self.z * k)

    def dot(self, o):
        return self.x * o.x + self.y * o.y + self.z * o.z

    def norm(self):
        n = math.sqrt(self.dot(self))
        return Vec(self.x / n, self.y / n, self.z / n)


class Sphere:
    def __init__(self, center, radius, shade):
        self.center = center
        self.radius = radius
        self.shade = shade

    def hit(self, origin, direction):
        oc = origin - self.center
        b = oc.dot(direction)
        c = oc.dot(oc) - self.radius * self.radius
        disc = b * b - c
        if disc < 0:
            return None
        t = -b - math.sqrt(disc)
        return t if t > 1e-6 else None


def render(w, h):
    spheres = [Sphere(Vec(0, -1, 3), 1, 0.9), Sphere(Vec(2, 0, 4), 1, 0.6), Sphere(Vec(-2, 0, 4), 1, 0.3)]
    light = Vec(1, 1, -1).norm()
    eye = Vec(0, 0, 0)
    total = 0.0
    for j in range(h):
        for i in range(w):
            d = Vec((i - w / 2) / w, (j - h / 2) / h, 1).norm()
            best = None
            best_t = 1e9
            for s in spheres:
                t = s.hit(eye, d)
                if t is not None and t < best_t:
                    best_t = t
                    best = s
            if best is not None:
                p = eye + d.scale(best_t)
                n = (p - best.center).norm()
                total += max(0.0, n.dot(light)) * best.shade
    return round(total, 3)


print(render(320, 240))
