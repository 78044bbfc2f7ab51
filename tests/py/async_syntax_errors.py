# Compile-time errors for async/await misuse are SyntaxErrors with CPython's messages.
sources = [
    "await x",
    "def f():\n    await x\n",
    "def f():\n    async for x in y:\n        pass\n",
    "def f():\n    async with x:\n        pass\n",
    "async for x in y:\n    pass\n",
    "async with x:\n    pass\n",
    "def f():\n    return [await x for x in y]\n",
    "def f():\n    return [x async for x in y]\n",
    "lambda: await x",
    "async def f():\n    yield from x\n",
    "async def f():\n    yield 1\n    return 2\n",
    "async x = 1",
    "async def f():\n    def g():\n        await x\n",
    "class C:\n    await x\n",
]
for src in sources:
    try:
        compile(src, "<test>", "exec")
        print("compiled:", repr(src))
    except SyntaxError as e:
        print(type(e).__name__, e.args[0] if "async x" not in src else "(invalid syntax)", "line", e.lineno)

ok = [
    "async def f():\n    await x\n",
    "async def f():\n    async for a in b:\n        pass\n    async with c as d, e:\n        pass\n",
    "async def f():\n    return [x async for x in y], {k: await v for k, v in z}\n",
    "async def f():\n    yield 1\n",
    "async def f():\n    def g():\n        yield 1\n    return g\n",
    "@dec\nasync def f():\n    pass\n",
    "async def f():\n    return await a ** 2, -await b, await c(), await d[0], await e.f\n",
    "def f():\n    async def g():\n        await x\n    return g\n",
    "(x async for x in y)",
    "def f():\n    return (await x for x in y)\n",
    "def f():\n    return ([await a for a in x] for x in y)\n",
]
for src in ok:
    compile(src, "<test>", "exec")
print("all compiled")
