# bm_pystone.py: a Dhrystone-style mix of records, procedures, branches and string compares.
LOOPS = 250000


class Record:
    def __init__(self, ptr_comp=None, discr=0, enum_comp=0, int_comp=0, str_comp=""):
        self.ptr_comp = ptr_comp
        self.discr = discr
        self.enum_comp = enum_comp
        self.int_comp = int_comp
        self.str_comp = str_comp

    def copy(self):
        return Record(self.ptr_comp, self.discr, self.enum_comp, self.int_comp, self.str_comp)


IDENT1, IDENT2, IDENT3, IDENT4, IDENT5 = 1, 2, 3, 4, 5
g = {"int_glob": 0, "bool_glob": False, "char1": "\0", "char2": "\0", "ptr": None, "ptr_next": None}
array1 = [0] * 51
array2 = [[0] * 51 for _ in range(51)]


def proc7(a, b):
    return a + 2 + b


def proc8(a1, a2, int1, int2):
    loc = int1 + 5
    a1[loc] = int2
    a1[loc + 1] = a1[loc]
    a1[loc + 30] = loc
    for idx in range(loc, loc + 2):
        a2[loc][idx] = loc
    a2[loc][loc - 1] += 1
    a2[loc + 20][loc] = a1[loc]
    g["int_glob"] = 5


def func1(c1, c2):
    return IDENT1 if c1 != c2 else IDENT2


def func2(s1, s2):
    int_loc = 1
    char_loc = "A"
    while int_loc <= 1:
        if func1(s1[int_loc], s2[int_loc + 1]) == IDENT1:
            char_loc = "A"
            int_loc += 1
    if "W" <= char_loc <= "Z":
        int_loc = 7
    if char_loc == "X":
        return True
    if s1 > s2:
        int_loc += 7
        return True
    return False


def func3(e):
    return e == IDENT3


def proc6(e):
    r = e
    if not func3(e):
        r = IDENT4
    if e == IDENT1:
        r = IDENT1
    elif e == IDENT2:
        r = IDENT1 if g["int_glob"] > 100 else IDENT4
    elif e == IDENT3:
        r = IDENT2
    elif e == IDENT5:
        r = IDENT3
    return r


def proc3(p):
    if g["ptr"] is not None:
        p = g["ptr"].ptr_comp
    g["ptr"].int_comp = proc7(10, g["int_glob"])
    return p


def proc1(p):
    p.ptr_comp = nxt = g["ptr"].copy()
    p.int_comp = 5
    nxt.int_comp = p.int_comp
    nxt.ptr_comp = p.ptr_comp
    nxt.ptr_comp = proc3(nxt.ptr_comp)
    if nxt.discr == IDENT1:
        nxt.int_comp = 6
        nxt.enum_comp = proc6(p.enum_comp)
        nxt.ptr_comp = g["ptr"].ptr_comp
        nxt.int_comp = proc7(nxt.int_comp, 10)
    else:
        p = nxt.copy()
    nxt.ptr_comp = None
    return p


def proc2(i):
    loc = i + 10
    while True:
        if g["char1"] == "A":
            loc -= 1
            i = loc - g["int_glob"]
            return i


def run(loops):
    g["ptr_next"] = Record()
    g["ptr"] = Record(g["ptr_next"], IDENT1, IDENT3, 40, "DHRYSTONE PROGRAM, SOME STRING")
    s1 = "DHRYSTONE PROGRAM, 1'ST STRING"
    array2[8][7] = 10
    total = 0
    for _ in range(loops):
        g["char1"] = "A"
        g["bool_glob"] = True
        i1 = 2
        i2 = 3
        s2 = "DHRYSTONE PROGRAM, 2'ND STRING"
        e = IDENT2
        g["bool_glob"] = not func2(s1, s2)
        while i1 < i2:
            i3 = 5 * i1 - i2
            i3 = proc7(i1, i2)
            i1 += 1
        proc8(array1, array2, i1, i3)
        g["ptr"] = proc1(g["ptr"])
        ch = "A"
        while ch <= g["char2"]:
            if e == func1(ch, "C"):
                e = proc6(IDENT1)
            ch = chr(ord(ch) + 1)
        i2 = i2 * i1
        i1 = i2 // i3
        i2 = 7 * (i2 - i3) - i1
        i1 = proc2(i1)
        total += i1 + i2 + i3
    return total


print(run(LOOPS))
