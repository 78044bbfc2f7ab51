"""call_methods.py: writes a Python program that calls every method of the built-in types and modules (taken
from the type, from an instance, from the module) with randomly chosen arguments of the wrong and right types,
ignoring the exceptions. Run by the interpreter it must end with DONE: any crash is a finding.

    python tests/fuzz/call_methods.py SEED > program.py

Each call is announced on stderr first, so the last stderr line names the call that crashed.
"""

from __future__ import annotations

import random
import sys

ARGUMENTS = ["None", "0", "-1", "3", "2**70", "-2**70", "10**9", "100000", "1.5", "float('nan')", "1j", "'s'", "'é'",
             "'a,b'", "'%d'", "'{}'", "'.*'", "'(a)|b'", "'utf-8'", "b'b'", "b'%s'", "bytearray(b'xy')",
             "memoryview(b'ab')", "[]", "[1,'a']", "()", "{}", "{1:2}", "set()", "range(3)", "(lambda *a: 0)",
             "object()"]
TYPES = ["str", "bytes", "bytearray", "list", "tuple", "dict", "set", "frozenset", "int", "float", "complex", "range",
         "object", "type", "memoryview", "slice", "bool", "Exception", "BaseException", "KeyError", "StopIteration",
         "OSError", "enumerate", "zip", "map", "filter", "reversed", "property", "staticmethod", "classmethod", "super"]
INSTANCES = ["'abc'", "b'abc'", "bytearray(b'abc')", "[3,1,2]", "(1,2)", "{'a':1}", "{1,2}", "frozenset({1})", "5",
             "2**80", "1.5", "2j", "range(10)", "memoryview(b'abcd')", "slice(1,5,2)", "iter([1, 2])", "enumerate('ab')",
             "zip('ab', 'cd')", "map(abs, [1])", "reversed([1])", "(x for x in [1])", "Exception('x')",
             "ValueError(1, 2)", "property(lambda s: 1)", "staticmethod(abs)",
             "__import__('collections').deque([1, 2], 5)", "__import__('collections').OrderedDict(a=1)",
             "__import__('collections').namedtuple('P', 'x y')(1, 2)", "__import__('io').StringIO('ab')",
             "__import__('io').BytesIO(b'ab')", "__import__('array').array('i', [1, 2])",
             "__import__('array').array('B', b'xy')", "__import__('re').compile('a(b)?')",
             "__import__('re').match('a(b)?', 'ab')", "__import__('hashlib').sha256(b'a')",
             "__import__('select').poll()"]
MODULES = ["math", "cmath", "struct", "json", "re", "binascii", "array", "time", "os", "collections", "io", "random",
           "hashlib", "micropython", "gc", "sys", "errno", "select"]
# Calls that block (poll with nothing registered waits for ever, as in CPython), end the program, change the
# process or the filesystem, or are slow by nature with huge arguments (as they are in CPython).
SKIPPED = ("exit", "sleep", "sleep_ms", "sleep_us", "kbd_intr", "input", "mem_info", "qstr_info", "heap_lock",
           "remove", "rmdir", "rename", "chdir", "mkdir", "mount", "umount", "dupterm", "factorial", "comb", "perm",
           "getrandbits", "randbytes", "urandom", "pow", "poll", "ipoll")
BUILTINS = ["abs", "all", "any", "bin", "callable", "chr", "divmod", "enumerate", "filter", "getattr", "hasattr",
            "hash", "hex", "isinstance", "issubclass", "iter", "len", "map", "max", "min", "next", "oct", "ord",
            "repr", "reversed", "round", "setattr", "sorted", "sum", "zip", "format", "delattr", "dir", "bool", "int",
            "float", "str", "bytes", "bytearray", "list", "tuple", "dict", "set", "frozenset", "complex", "range",
            "slice", "memoryview", "type", "object", "property", "staticmethod", "classmethod"]
CALLS_PER_NAME = 8


def calls(rng: random.Random, max_args: int) -> list[str]:
    return ["(" + ", ".join(rng.choice(ARGUMENTS) for _ in range(rng.randint(0, max_args))) + ")"
            for _ in range(CALLS_PER_NAME)]


def loop(source: str, label: str, rng: random.Random, max_args: int) -> list[str]:
    """Every callable attribute of `source` (an expression), called with random arguments."""
    lines = [f"for name in dir({source}):",
             f"    f = getattr({source}, name, None)",
             f"    if not callable(f) or name in {SKIPPED!r}: continue"]
    for args in calls(rng, max_args):
        lines.append(f"    say({label!r} + '.' + name + {args!r}); attempt(lambda: f{args})")
    return lines


def program(seed: int) -> str:
    rng = random.Random(seed)
    lines = ["import sys",
             "def say(what):",
             "    print(what, file=sys.stderr)",
             "def attempt(f):",
             "    try:",
             "        repr(f())",
             "    except Exception:",
             "        pass"]
    for name in TYPES:
        lines += loop(name, name, rng, 3)
    for expr in INSTANCES:
        lines += loop(expr, expr, rng, 3)
    for module in MODULES:
        lines += [f"try:\n    import {module}\nexcept ImportError:\n    {module} = None",
                  f"if {module} is not None:"]
        lines += ["    " + line for line in loop(module, module, rng, 4)]
    for name in BUILTINS:
        for args in calls(rng, 3):
            lines.append(f"say({name + args!r}); attempt(lambda: {name}{args})")
    lines.append("print('DONE')")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(program(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
