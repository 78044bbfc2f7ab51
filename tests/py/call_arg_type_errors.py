# Arguments of the wrong type raise TypeError/ValueError: ** with non-str keys, compile() filename and mode
def f(a=1, b=2):
    return a, b


for call in (lambda: f(**{1: 2}), lambda: dict(**{1: 2}), lambda: compile("1", "f", 5),
             lambda: compile("1", 7, "eval"), lambda: compile("1", "f", "bogus"), lambda: print(**{3: 4}),
             lambda: property(**{5: 1}), lambda: int.to_bytes(3, **{9: 1}), lambda: f(**{"a": 5}),
             lambda: eval(compile("1 + 2", "f", "eval")), lambda: compile("x = 1", "f", "exec") is not None):
    try:
        print(call())
    except (TypeError, ValueError) as e:
        print(type(e).__name__)
