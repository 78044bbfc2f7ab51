# int.to_bytes / int.from_bytes argument checking: byteorder type and value, negative length
def attempt(f):
    try:
        print(f())
    except (TypeError, ValueError, OverflowError) as e:
        print(type(e).__name__)


attempt(lambda: (1024).to_bytes(2, 2))
attempt(lambda: (1024).to_bytes(2, "middle"))
attempt(lambda: (1024).to_bytes(-1, "big"))
attempt(lambda: (1024).to_bytes(2, "little"))
attempt(lambda: (1024).to_bytes(length=3, byteorder="big"))
attempt(lambda: (-5).to_bytes(2, "big", signed=True))
attempt(lambda: (5).to_bytes(0, "big"))
attempt(lambda: (0).to_bytes(0, "big"))
attempt(lambda: int.from_bytes(b"\x01\x00", None))
attempt(lambda: int.from_bytes(b"\x01\x00", "LITTLE"))
attempt(lambda: int.from_bytes(b"\x01\x00", "little"))
attempt(lambda: int.from_bytes(b"\xff\xfe", byteorder="big", signed=True))
