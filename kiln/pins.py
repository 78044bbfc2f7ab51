"""Pin names per port ("A10", "GP25", "GPIO8") and their numeric codes for the C tables."""

from __future__ import annotations

import re

_STYLES: dict[str, tuple[str, str]] = {
    "stm32": (r"P?([A-K])(\d{1,2})", 'a port letter A-K and a pin 0-15, e.g. "A10"'),
    "rp2": (r"GP(\d{1,2})", 'GP0-GP29, e.g. "GP25"'),
    "esp32": (r"GPIO(\d{1,2})", 'GPIO<n>, e.g. "GPIO8"'),
    "unix": (r"GP(\d{1,3})", 'GP<n> (simulated pins)'),
}
_LIMITS = {"rp2": 30, "unix": 256}


def pin_code(port: str, text: str, gpio_count: int | None = None) -> int:
    """STM32: port * 16 + pin; RP2/ESP32: the GPIO number. Raises ValueError naming what is allowed."""
    pattern, allowed = _STYLES[port]
    match = re.fullmatch(pattern, text)
    if not match:
        raise ValueError(f"{text!r} is not a {port} pin name; expected {allowed}")
    if port == "stm32":
        number = int(match.group(2))
        if number > 15:
            raise ValueError(f"{text!r}: STM32 pins are numbered 0-15 in each port")
        return (ord(match.group(1)) - ord("A")) * 16 + number
    number = int(match.group(1))
    limit = gpio_count or _LIMITS.get(port, 64)
    if number >= limit:
        raise ValueError(f"{text!r}: this chip has GPIOs 0-{limit - 1}")
    return number
