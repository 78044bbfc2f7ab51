"""STM32 drivers at register level: the compiled driver code (each board's own objects, relinked without
--gc-sections) runs in unicorn against peripheral models written from the reference manuals
(tests/support/stm32_models.py). The tests check the register sequences the manuals prescribe and the results
the drivers report, including the error paths (NACKs, timeouts, refusals)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiln.boards import Board, load_board
from tests.support import stm32_models as models
from tests.support.stm32_unicorn import (
    BOOTLOADER_ENTRY_OFFSET,
    BOOTLOADER_SP,
    CAL,
    UID,
    CStruct,
    Stm32,
    flash_sectors,
    link_driver_elf,
    stm32_machine,
    struct_layouts,
)

F4, F7 = "NETDUINO_PLUS_2", "NUCLEO_F767ZI"
BOTH = [F4, F7]

EPERM, EIO, EAGAIN, EBUSY, ENODEV, EINVAL, ETIMEDOUT = 1, 5, 11, 16, 19, 22, 110
RCC = 0x40023800
NONE = 0xFFFFFFFF


def pin(name: str) -> int:
    return (ord(name[0]) - ord("A")) * 16 + int(name[1:])


PIN_CONFIG = CStruct(("mode", "u8"), ("pull", "u8"), ("speed", "u8"), ("open_drain", "bool"), ("af", "u8"),
                     ("initial", "s8"))
UART_CONFIG = CStruct(("index", "u32"), ("baud", "u32"), ("bits", "u8"), ("parity", "u8"), ("stop", "u8"),
                      ("priority", "u8"), ("tx_pin", "u32"), ("rx_pin", "u32"), ("af", "u8"), ("rx_buf", "ptr"),
                      ("rx_size", "u32"))
UART = CStruct(("base", "u32"), ("irq", "u32"), ("index", "u32"), ("actual_baud", "u32"), ("rx_buf", "ptr"),
               ("rx_mask", "u32"), ("rx_head", "u32"), ("rx_tail", "u32"), ("rx_dropped", "u32"),
               ("rx_errors", "u32"), ("up", "bool"))
SPI_CONFIG = CStruct(("index", "u32"), ("baud", "u32"), ("mode", "u8"), ("lsb_first", "bool"), ("sck", "u32"),
                     ("mosi", "u32"), ("miso", "u32"), ("af", "u8"))
SPI = CStruct(("base", "u32"), ("index", "u32"), ("actual_baud", "u32"), ("timeout_us", "u32"), ("up", "bool"))
I2C_CONFIG = CStruct(("index", "u32"), ("freq", "u32"), ("scl", "u32"), ("sda", "u32"), ("af", "u8"),
                     ("timeout_us", "u32"))
I2C = CStruct(("base", "u32"), ("index", "u32"), ("freq", "u32"), ("actual", "u32"), ("scl", "u32"), ("sda", "u32"),
              ("af", "u32"), ("timeout_us", "u32"), ("timing", "u32"), ("recoveries", "u32"), ("held", "bool"),
              ("up", "bool"))
ADC = CStruct(("base", "u32"), ("index", "u32"), ("timeout_us", "u32"), ("bits", "u8"), ("up", "u8"))
PWM = CStruct(("base", "u32"), ("index", "u32"), ("channel", "u32"), ("pin", "u32"), ("freq", "u32"), ("arr", "u32"),
              ("psc", "u32"), ("clock", "u32"), ("pulse_ns", "u32"), ("duty", "u16"), ("by_ns", "bool"), ("up", "bool"))
TIMER = CStruct(("base", "u32"), ("index", "u32"), ("irq", "u32"), ("psc", "u32"), ("arr", "u32"), ("clock", "u32"),
                ("fn", "ptr"), ("arg", "ptr"), ("count", "u32"), ("up", "bool"))
RTC = CStruct(("source", "u8"), ("kept", "bool"), ("prediv_s", "u32"), ("timeout_us", "u32"), ("up", "bool"))
DATETIME = CStruct(("year", "u16"), ("month", "u8"), ("day", "u8"), ("weekday", "u8"), ("hour", "u8"),
                   ("minute", "u8"), ("second", "u8"), ("subsecond", "u32"))
FLASH = CStruct(("base", "u32"), ("size", "u32"), ("protect_start", "u32"), ("protect_end", "u32"), ("psize", "u8"),
                ("erase_timeout", "u32"), ("program_timeout", "u32"), ("open_start", "u32"), ("open_end", "u32"))

# Board clocks after clock.c (HSE up): APB1/APB2 in Hz.
APB = {F4: (42_000_000, 84_000_000), F7: (54_000_000, 108_000_000), "NUCLEO_F401RE": (42_000_000, 84_000_000),
       "NUCLEO_F446RE": (45_000_000, 90_000_000), "NUCLEO_F411RE": (50_000_000, 100_000_000)}


@pytest.fixture(scope="session")
def driver_elfs(built: Callable[[str], Board], tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Board, Path]]:
    cache: dict[str, tuple[Board, Path]] = {}
    directory = tmp_path_factory.mktemp("driver-elfs")

    def get(board_id: str) -> tuple[Board, Path]:
        if board_id not in cache:
            board = built(board_id)
            cache[board_id] = (board, link_driver_elf(board, directory / f"{board_id}.elf"))
        return cache[board_id]

    return get


@pytest.fixture
def chip(driver_elfs: Callable[[str], tuple[Board, Path]]) -> Callable[..., Stm32]:
    def make(board_id: str = F4, **options: Any) -> Stm32:
        board, elf = driver_elfs(board_id)
        return stm32_machine(board, elf, **options)

    return make


def writes_to(stm: Stm32, address: int) -> list[int]:
    return stm.machine.bus.writes(address)


def log_index(stm: Stm32, address: int, kind: str = "w", start: int = 0) -> int:
    log = stm.machine.bus.log
    for i in range(start, len(log)):
        if log[i].address == address and log[i].kind == kind:
            return i
    raise AssertionError(f"no {kind} access to 0x{address:08x} after entry {start}")


# ---- GPIO -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("board_id", BOTH)
def test_gpio_output_drives_level_before_becoming_output(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    config = PIN_CONFIG.new(stm.machine, mode=1, pull=0, speed=3, open_drain=1, af=0, initial=1)
    assert stm.call("stm32_pin_configure", pin("E9"), config) == 0
    gpio = stm["gpioE"]
    assert stm["rcc"][0x30] & (1 << 4), "GPIOE clock not enabled"
    assert log_index(stm, RCC + 0x30) < log_index(stm, 0x40021000 + 0x00), "port touched before its clock"
    assert log_index(stm, 0x40021000 + 0x18) < log_index(stm, 0x40021000 + 0x00), "level set after MODER"
    assert gpio.bsrr_writes == [1 << 9]
    assert (gpio[0x00] >> 18) & 3 == 1 and (gpio[0x04] >> 9) & 1 == 1 and (gpio[0x08] >> 18) & 3 == 3
    stm.call("stm32_pin_write", pin("E9"), 0)
    assert gpio.bsrr_writes[-1] == 1 << 25 and gpio[0x14] >> 9 & 1 == 0
    assert not any(a.address == 0x40021014 and a.kind == "w" for a in stm.machine.bus.log), "ODR written (not atomic)"
    assert stm.call("stm32_pin_latch", pin("E9")) == 0
    assert stm.call("stm32_pin_mode", pin("E9")) == 1


@pytest.mark.parametrize("board_id", BOTH)
def test_gpio_alternate_function_input_pull_and_analog(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    gpio = stm["gpioA"]
    assert stm.call("stm32_pin_af", pin("A10"), 7, 1, 1) == 0
    assert (gpio[0x24] >> 8) & 0xF == 7 and (gpio[0x00] >> 20) & 3 == 2 and (gpio[0x0C] >> 20) & 3 == 1
    assert stm.call("stm32_pin_af", pin("A3"), 12, 0, 0) == 0
    assert (gpio[0x20] >> 12) & 0xF == 12
    # input with pull-up reads 1 until something drives it low
    config = PIN_CONFIG.new(stm.machine, mode=0, pull=1, initial=-1)
    assert stm.call("stm32_pin_configure", pin("A8"), config) == 0
    assert stm.call("stm32_pin_read", pin("A8")) == 1
    gpio.external[8] = 0
    assert stm.call("stm32_pin_read", pin("A8")) == 0
    # analog: the pull the caller asked for is refused by the hardware rules, so it is dropped
    analog = PIN_CONFIG.new(stm.machine, mode=3, pull=1, initial=-1)
    assert stm.call("stm32_pin_configure", pin("A4"), analog) == 0
    assert (gpio[0x00] >> 8) & 3 == 3 and (gpio[0x0C] >> 8) & 3 == 0
    bad = PIN_CONFIG.new(stm.machine, mode=2, af=16, initial=-1)
    assert stm.call("stm32_pin_configure", pin("A4"), bad) == -EINVAL


def test_gpio_refuses_ports_the_chip_lacks(chip: Callable[..., Stm32]) -> None:
    stm = chip("NUCLEO_F401RE")  # A..E and H only
    config = PIN_CONFIG.new(stm.machine, mode=1, initial=0)
    assert stm.call("stm32_pin_exists", pin("H1")) == 1
    assert stm.call("stm32_pin_exists", pin("F1")) == 0
    assert stm.call("stm32_pin_configure", pin("F1"), config) == -ENODEV
    assert stm.call("stm32_pin_exists", 16 * 16) == 0


# ---- EXTI -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("board_id", BOTH)
def test_exti_routes_pin_edge_to_callback(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    callback = stm.machine.stub()
    arg = 0x1234
    assert stm.call("stm32_exti_attach", pin("C13"), 2, callback, arg, 5) == 0
    exti, scs = stm["exti"], stm["scs"]
    assert (stm["syscfg"][0x14] >> 4) & 0xF == 2, "EXTICR4 line 13 must select port C"
    assert stm["rcc"][0x44] & (1 << 14), "SYSCFG clock"
    assert exti[0x0C] >> 13 & 1 and not exti[0x08] >> 13 & 1 and exti[0x00] >> 13 & 1
    assert 40 in scs.enabled and scs.priority(40) == 5 << 4
    exti.edge(13, rising=True)  # not selected
    stm.call("stm32_irq_dispatch_n", 40)
    assert stm.machine.stub_calls[callback & ~1] == []
    exti.edge(13, rising=False)
    stm.call("stm32_irq_dispatch_n", 40)
    assert [c[:2] for c in stm.machine.stub_calls[callback & ~1]] == [(arg, pin("C13"))]
    assert exti[0x14] == 0, "pending bit must be cleared"
    # the software trigger takes the same path
    assert stm.call("stm32_exti_trigger", pin("C13")) == 0
    stm.call("stm32_irq_dispatch_n", 40)
    assert len(stm.machine.stub_calls[callback & ~1]) == 2
    # one line, one port
    assert stm.call("stm32_exti_attach", pin("A13"), 1, callback, 0, 5) == -EBUSY
    stm.call("stm32_exti_detach", pin("C13"))
    assert not exti[0x00] >> 13 & 1 and 40 not in scs.enabled
    assert stm.call("stm32_exti_attach", pin("A13"), 1, callback, 0, 5) == 0


def test_exti_shared_vector_serves_several_lines(chip: Callable[..., Stm32]) -> None:
    stm = chip(F4)
    first, second = stm.machine.stub(), stm.machine.stub()
    assert stm.call("stm32_exti_attach", pin("B5"), 1, first, 1, 3) == 0
    assert stm.call("stm32_exti_attach", pin("D7"), 3, second, 2, 3) == 0
    stm["exti"].edge(5, rising=True)
    stm["exti"].edge(7, rising=False)
    stm.call("stm32_irq_dispatch_n", 23)
    assert stm.machine.stub_calls[first & ~1][0][:2] == (1, pin("B5"))
    assert stm.machine.stub_calls[second & ~1][0][:2] == (2, pin("D7"))
    stm.call("stm32_exti_detach", pin("B5"))
    assert 23 in stm["scs"].enabled, "line 7 still uses the shared vector"
    stm.call("stm32_exti_reset")
    assert 23 not in stm["scs"].enabled and stm["exti"][0x00] & 0xFFFF == 0


def test_unhandled_interrupt_is_masked(chip: Callable[..., Stm32]) -> None:
    stm = chip(F4)
    stm["scs"].enabled.add(44)
    stm.call("stm32_irq_dispatch_n", 44)
    assert 44 not in stm["scs"].enabled


# ---- UART -------------------------------------------------------------------------------------------

def uart_init(stm: Stm32, index: int, baud: int = 115200, rx_size: int = 16, **fields: int) -> tuple[int, int, int]:
    buffer = stm.machine.alloc(rx_size)
    values = dict(index=index, baud=baud, bits=8, parity=0, stop=1, priority=6, tx_pin=pin("A2"), rx_pin=pin("A3"),
                  af=0, rx_buf=buffer, rx_size=rx_size)
    values.update(fields)
    config = UART_CONFIG.new(stm.machine, **values)
    uart = stm.machine.alloc(UART.size)
    return stm.call("stm32_uart_init", uart, config), uart, buffer


@pytest.mark.parametrize("board_id", BOTH)
def test_uart_baud_from_bus_clock_transmit_and_receive_ring(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    err, uart, _ = uart_init(stm, 2, 115200)
    assert err == 0
    usart = stm["usart2"]
    cr1, brr = (0x00, 0x0C) if stm.f7 else (0x0C, 0x08)
    pclk = APB[board_id][0]
    assert usart[brr] == round(pclk / 115200)
    assert UART.get(stm.machine, uart, "actual_baud") == round(pclk / usart[brr])
    ue = 1 if stm.f7 else 1 << 13
    assert usart[cr1] == ue | (1 << 3) | (1 << 2) | (1 << 5), "UE|TE|RE|RXNEIE"
    assert (stm["gpioA"][0x20] >> 8) & 0xF == 7 and (stm["gpioA"][0x20] >> 12) & 0xF == 7
    assert 38 in stm["scs"].enabled and stm["scs"].priority(38) == 6 << 4
    message = b"hello, kiln"
    data = stm.machine.alloc(len(message), message)
    assert stm.call("stm32_uart_write", uart, data, len(message), 1000) == len(message)
    assert bytes(usart.tx) == message
    assert stm.call("stm32_uart_flush", uart, 1000) == 0
    # receive: one interrupt per byte; the 16-byte ring keeps 16 and counts the rest as dropped
    incoming = bytes(range(0x30, 0x30 + 20))
    for byte in incoming:
        usart.feed(bytes([byte]))
        stm.call("stm32_irq_dispatch_n", 38)
    assert stm.call("stm32_uart_any", uart) == 16
    assert UART.get(stm.machine, uart, "rx_dropped") == 4
    out = stm.machine.alloc(32)
    assert stm.call("stm32_uart_read", uart, out, 10) == 10
    assert stm.machine.read(out, 10) == incoming[:10]
    assert stm.call("stm32_uart_read", uart, out, 32) == 6
    assert stm.machine.read(out, 6) == incoming[10:16]
    assert stm.call("stm32_uart_any", uart) == 0
    assert stm.violations() == []


@pytest.mark.parametrize("board_id", BOTH)
def test_uart_framing_bits(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    err, _, _ = uart_init(stm, 6, 9600, bits=8, parity=2, stop=2, tx_pin=pin("C6"), rx_pin=pin("C7"))
    assert err == 0
    usart = stm["usart6"]
    cr1, cr2 = (0x00, 0x04) if stm.f7 else (0x0C, 0x10)
    word_bit = 1 << 12  # M on the F4, M0 (9-bit frame) on the F7: 8 data + parity
    assert usart[cr1] & word_bit and usart[cr1] & (1 << 10) and usart[cr1] & (1 << 9), "9-bit frame, odd parity"
    assert (usart[cr2] >> 12) & 3 == 2, "two stop bits"
    assert (stm["gpioC"][0x20] >> 24) & 0xF == 8, "USART6 pins on AF8"
    assert uart_init(stm, 6, 9600, bits=9)[0] == -EINVAL
    assert uart_init(stm, 6, 300)[0] == -EINVAL  # BRR would overflow 16 bits
    assert uart_init(stm, 6, 115200, rx_size=12)[0] == -EINVAL  # not a power of two


def test_uart_refuses_console_and_missing_ones(chip: Callable[..., Stm32]) -> None:
    stm = chip(F4)
    assert uart_init(stm, 1)[0] == -EBUSY  # the REPL's USART1
    assert uart_init(stm, 7)[0] == -ENODEV  # no UART7 on the F405
    f401 = chip("NUCLEO_F401RE")
    assert uart_init(f401, 3)[0] == -ENODEV
    assert uart_init(f401, 2)[0] == -EBUSY  # the Nucleo's console


@pytest.mark.parametrize("board_id", [F4, F7, "NUCLEO_F401RE", "NUCLEO_F411RE", "NUCLEO_F446RE"])
def test_chip_data_matches_the_board_and_mcu_files(chip: Callable[..., Stm32], board_id: str) -> None:
    """The port's files are compiled once per series and read the part and board from stm32_chip (chip.c, per
    board): its USART set, REPL USART, clocks, memory regions and emulator flag must be those of the board and
    MCU files."""
    stm = chip(board_id)
    board = load_board(board_id)
    layout = struct_layouts(stm.machine.elf_path, ["stm32_chip_t"])["stm32_chip_t"]
    base = stm.machine.symbols["stm32_chip"]

    def field(name: str, size: int) -> int:
        return int.from_bytes(stm.machine.read(base + layout[name], size), "little")

    uarts = board.mcu.get("uarts", [1, 2, 3, 4, 5, 6])  # the F405's MCU file lists none: USART1..6 (DS8626)
    assert field("uart_mask", 2) == sum(1 << n for n in uarts)
    assert field("repl_uart", 1) == board.data["repl"]["uart"]
    flash = board.region("FLASH")
    assert (field("flash_base", 4), field("flash_size", 4)) == (flash.origin, flash.length)
    assert field("emulator", 1) == (1 if board.data.get("emulator") else 0)
    assert field("selftest", 4) == 0, "only the SELFTEST variant links the self-test"
    # The clock, console and memory facts that clock.c, console.c and mod_machine_io.c read instead of being
    # compiled per board: the board file's values, and the REPL USART's base, bus, enable bit, vector and pin
    # function from the reference manuals (RM0090/RM0410 memory map, RCC and NVIC chapters; AF from the datasheets).
    clock, repl = board.data["clock"], board.data["repl"]
    assert (field("cpu_hz", 4), field("xtal_hz", 4)) == (clock["cpu_hz"], clock["xtal_hz"])
    assert field("repl_baud", 4) == repl["baud"]
    assert (field("repl_tx_pin", 2), field("repl_rx_pin", 2)) == (pin(repl["tx"]), pin(repl["rx"]))
    usart, apb2, enable, irq = {1: (0x40011000, True, 1 << 4, 37), 2: (0x40004400, False, 1 << 17, 38),
                                3: (0x40004800, False, 1 << 18, 39), 4: (0x40004C00, False, 1 << 19, 52),
                                5: (0x40005000, False, 1 << 20, 53), 6: (0x40011400, True, 1 << 5, 71)}[repl["uart"]]
    assert (field("console_base", 4), field("console_on_apb2", 1), field("console_rcc_bit", 4)) == (usart, apb2, enable)
    assert field("console_irq", 1) == irq and field("console_af", 1) == (7 if repl["uart"] <= 3 else 8)
    ram = board.region("RAM")
    assert (field("ram_base", 4), field("ram_size", 4)) == (ram.origin, ram.length)
    ccm = next((r for r in board.regions if r.name == "CCM"), None)
    assert (field("ccm_base", 4), field("ccm_size", 4)) == ((ccm.origin, ccm.length) if ccm else (0, 0))
    # ... and the shared UART driver acts on it: the console's is busy, the part's others open.
    for index in range(1, 9):
        expected = -EBUSY if index == board.data["repl"]["uart"] else 0 if index in uarts else -ENODEV
        assert uart_init(stm, index)[0] == expected, index


def test_uart_overrun_and_errors_are_counted(chip: Callable[..., Stm32]) -> None:
    stm = chip(F4)
    err, uart, _ = uart_init(stm, 2)
    assert err == 0
    stm["usart2"].feed(b"x", errors=(1 << 3) | (1 << 1))  # ORE + FE
    stm.call("stm32_uart_irq", uart)
    assert UART.get(stm.machine, uart, "rx_dropped") == 1 and UART.get(stm.machine, uart, "rx_errors") == 1
    assert stm.call("stm32_uart_any", uart) == 1


# ---- SPI --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("board_id", BOTH)
@pytest.mark.parametrize("mode", [0, 1, 2, 3])
def test_spi_modes_prescaler_and_full_duplex(chip: Callable[..., Stm32], board_id: str, mode: int) -> None:
    stm = chip(board_id, spi_respond=lambda byte: byte ^ 0xFF)
    config = SPI_CONFIG.new(stm.machine, index=1, baud=10_000_000, mode=mode, lsb_first=0, sck=pin("A5"),
                            mosi=pin("A7"), miso=pin("A6"), af=0)
    spi = stm.machine.alloc(SPI.size)
    assert stm.call("stm32_spi_init", spi, config) == 0
    model = stm["spi1"]
    cr1 = model[0x00]
    pclk2 = APB[board_id][1]
    br = (cr1 >> 3) & 7
    assert pclk2 >> (br + 1) <= 10_000_000 < pclk2 >> br, "fastest prescaler not above the request"
    assert SPI.get(stm.machine, spi, "actual_baud") == pclk2 >> (br + 1)
    assert cr1 & 3 == mode and cr1 & (1 << 2) and cr1 & (1 << 6) and cr1 & (1 << 9) and cr1 & (1 << 8)
    if stm.f7:
        assert (model[0x04] >> 8) & 0xF == 7 and model[0x04] & (1 << 12), "8-bit frames, RXNE at one byte"
    pull = (stm["gpioA"][0x0C] >> 10) & 3
    assert pull == (1 if mode & 2 else 2), "SCK pulled to its idle level"
    tx = stm.machine.alloc(4, b"\x01\x80\x5a\xff")
    rx = stm.machine.alloc(4)
    assert stm.call("stm32_spi_transfer", spi, tx, rx, 4) == 0
    assert model.tx == [0x01, 0x80, 0x5A, 0xFF] and stm.machine.read(rx, 4) == b"\xfe\x7f\xa5\x00"
    assert set(model.widths) == {1}, "DR must be accessed byte-wide"
    assert stm.violations() == []


def test_spi_rejects_unreachable_baud_and_missing_instances(chip: Callable[..., Stm32]) -> None:
    stm = chip(F4)
    spi = stm.machine.alloc(SPI.size)
    slow = SPI_CONFIG.new(stm.machine, index=2, baud=100_000, mode=0, sck=NONE, mosi=NONE, miso=NONE)
    assert stm.call("stm32_spi_init", spi, slow) == -EINVAL  # 42 MHz / 256 = 164 kHz at the slowest
    missing = SPI_CONFIG.new(stm.machine, index=4, baud=1_000_000, mode=0, sck=NONE, mosi=NONE, miso=NONE)
    assert stm.call("stm32_spi_init", spi, missing) == -ENODEV


# ---- ADC --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("board_id,temp_channel", [(F4, 16), (F7, 18), ("NUCLEO_F446RE", 18), ("NUCLEO_F401RE", 18)])
def test_adc_conversion_channels_and_internal_sources(chip: Callable[..., Stm32], board_id: str,
                                                       temp_channel: int) -> None:
    stm = chip(board_id)
    adc = stm.machine.alloc(ADC.size)
    assert stm.call("stm32_adc_init", adc, 1, 12) == 0
    adcpre = (stm["adc_common"][0x04] >> 16) & 3
    assert APB[board_id][1] / (2 * (adcpre + 1)) <= 36_000_000
    assert adcpre == 0 or APB[board_id][1] / (2 * adcpre) > 36_000_000, "not slower than needed"
    value = stm.machine.alloc(4)
    assert stm.call("stm32_adc_read", adc, 3, value) == 0
    assert stm.machine.u32(value) == 307
    model = stm["adc1"]
    assert model.conversions[-1] == (3, 4)
    assert stm.call("stm32_adc_read", adc, 0x100, value) == 0  # the temperature sensor
    assert model.conversions[-1] == (temp_channel, 7), "sensor channel with 480-cycle sampling"
    assert stm["adc_common"][0x04] & (1 << 23) and not stm["adc_common"][0x04] & (1 << 22)
    assert stm.machine.u32(value) == 100 * temp_channel + 7
    assert stm.call("stm32_adc_read", adc, 17, value) == 0 and stm.machine.u32(value) == 1707
    assert stm.call("stm32_adc_read", adc, 18, value) == 0  # VBAT
    assert stm["adc_common"][0x04] & (1 << 22)
    assert stm.call("stm32_adc_read", adc, 19, value) == -EINVAL
    assert stm.violations() == []


def test_adc_resolution_timeout_and_second_adc(chip: Callable[..., Stm32]) -> None:
    stm = chip(F4, adc_sample=lambda channel: 0xABC)
    adc = stm.machine.alloc(ADC.size)
    assert stm.call("stm32_adc_init", adc, 2, 8) == 0
    value = stm.machine.alloc(4)
    assert stm.call("stm32_adc_read", adc, 5, value) == 0
    assert stm.machine.u32(value) == 0xBC
    assert stm.call("stm32_adc_read", adc, 16, value) == -EINVAL, "internal channels are ADC1's"
    stm["adc2"].delay = 10**9  # EOC never comes
    assert stm.call("stm32_adc_read", adc, 5, value) == -ETIMEDOUT
    assert stm.call("stm32_adc_init", adc, 4, 12) == -ENODEV
    f401 = chip("NUCLEO_F401RE")
    assert f401.call("stm32_adc_init", f401.machine.alloc(ADC.size), 2, 12) == -ENODEV


def test_adc_temperature_uses_factory_calibration(chip: Callable[..., Stm32]) -> None:
    stm = chip(F4)
    # At VDDA = 3.3 V (VREFINT reads its calibration value), TS_CAL1 is 30 C and TS_CAL2 110 C.
    assert stm.call("stm32_adc_temp_centi", CAL["ts1"], CAL["vrefint"]) == 3000
    assert stm.call("stm32_adc_temp_centi", CAL["ts2"], CAL["vrefint"]) == 11000
    middle = (CAL["ts1"] + CAL["ts2"]) // 2
    assert stm.call("stm32_adc_temp_centi", middle, CAL["vrefint"]) == 7000
    # a higher VDDA makes every reading smaller; VREFINT's reading shrinks alike and corrects it
    assert stm.call("stm32_adc_temp_centi", CAL["ts2"] * 3 // 4, CAL["vrefint"] * 3 // 4) == 11000


# ---- DAC --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("board_id", [F4, F7, "NUCLEO_F446RE"])
def test_dac_channels_write_through(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    assert stm.call("stm32_dac_write", 1, 100) == -EINVAL, "not enabled yet"
    assert stm.call("stm32_dac_init", 1, 1) == 0
    assert stm.call("stm32_dac_init", 2, 0) == 0
    dac = stm["dac"]
    assert dac[0x00] & 1 and not dac[0x00] & 2 and not dac[0x00] & 4, "EN1, buffer on, no trigger"
    assert dac[0x00] >> 16 & 1 and dac[0x00] >> 17 & 1, "EN2 with the buffer off"
    assert (stm["gpioA"][0x00] >> 8) & 0xF == 0xF, "PA4 and PA5 analog"
    assert stm.call("stm32_dac_write", 1, 0x123) == 0 and dac[0x2C] == 0x123
    assert stm.call("stm32_dac_write", 2, 0xFFF) == 0 and dac[0x30] == 0xFFF
    assert stm.call("stm32_dac_write", 2, 0x1000) == -EINVAL
    stm.call("stm32_dac_deinit", 1)
    assert not dac[0x00] & 1
    assert stm.violations() == []


def test_dac_absent_on_f401(chip: Callable[..., Stm32]) -> None:
    stm = chip("NUCLEO_F401RE")
    assert stm.call("stm32_dac_init", 1, 1) == -ENODEV


# ---- PWM and timers -----------------------------------------------------------------------------------

def pwm_period(stm: Stm32, timer: str, clock: int) -> float:
    model = stm[timer]
    return clock / ((model[0x28] + 1) * (model[0x2C] + 1))


@pytest.mark.parametrize("board_id", BOTH)
def test_pwm_mode1_on_general_purpose_timer(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    pwm = stm.machine.alloc(PWM.size)
    assert stm.call("stm32_pwm_init", pwm, 3, 2, pin("B5"), 0, 1000, 0x8000, 0) == 0
    tim = stm["tim3"]
    clock = 2 * APB[board_id][0]
    assert pwm_period(stm, "tim3", clock) == pytest.approx(1000, rel=1e-4)
    assert PWM.get(stm.machine, pwm, "freq") == 1000
    assert (tim[0x18] >> 12) & 7 == 6 and tim[0x18] & (1 << 11), "OC2M = PWM mode 1 with preload"
    assert tim[0x20] & (1 << 4) and not tim[0x20] & (1 << 5), "CC2E, active high"
    assert tim[0x38] == (tim[0x2C] + 1) // 2, "50% duty"
    assert tim[0x00] & 1 and tim[0x00] & (1 << 7), "CEN with ARR preload"
    assert (stm["gpioB"][0x20] >> 20) & 0xF == 2 and (stm["gpioB"][0x00] >> 10) & 3 == 2, "PB5 on AF2"
    assert stm.call("stm32_pwm_set_duty", pwm, 0) == 0 and tim[0x38] == 0
    assert stm.call("stm32_pwm_set_duty", pwm, 0xFFFF) == 0 and tim[0x38] == tim[0x2C] + 1, "100% needs CCR > ARR"
    assert stm.call("stm32_pwm_set_freq", pwm, 20) == 0
    assert pwm_period(stm, "tim3", clock) == pytest.approx(20, rel=1e-4)
    assert tim[0x38] == tim[0x2C] + 1, "duty kept across a frequency change"
    stm.call("stm32_pwm_deinit", pwm)
    assert not tim[0x20] & (1 << 4) and not tim[0x00] & 1


def test_pwm_advanced_and_wide_timers(chip: Callable[..., Stm32]) -> None:
    stm = chip(F4)
    pwm = stm.machine.alloc(PWM.size)
    assert stm.call("stm32_pwm_init", pwm, 1, 1, pin("A8"), 0, 50_000, 0x4000, 1) == 0
    tim1 = stm["tim1"]
    assert tim1[0x44] & (1 << 15), "TIM1 outputs need MOE"
    assert tim1[0x20] & 3 == 3, "CC1E with inverted polarity"
    assert pwm_period(stm, "tim1", 168_000_000) == pytest.approx(50_000, rel=1e-4)
    # TIM2 is 32-bit: 1 Hz at 84 MHz needs no prescaler
    wide = stm.machine.alloc(PWM.size)
    assert stm.call("stm32_pwm_init", wide, 2, 3, NONE, 0, 1, 0x8000, 0) == 0
    assert stm["tim2"][0x28] == 0 and stm["tim2"][0x2C] == 84_000_000 - 1
    assert stm.call("stm32_pwm_init", wide, 6, 1, NONE, 0, 1000, 0, 0) == -ENODEV, "TIM6 has no outputs"
    assert stm.call("stm32_pwm_init", wide, 3, 5, NONE, 0, 1000, 0, 0) == -EINVAL
    assert stm.call("stm32_pwm_init", wide, 3, 1, NONE, 0, 100_000_000, 0, 0) == -EINVAL, "below two ticks"
    f401 = chip("NUCLEO_F401RE")
    assert f401.call("stm32_pwm_init", f401.machine.alloc(PWM.size), 8, 1, NONE, 0, 1000, 0, 0) == -ENODEV


# Timer channels per pin from the datasheets' alternate-function tables (DS8626 / DS10314 / DS11532), written
# out here independently of drivers/tim_pins.c: (timer, channel, AF) of the first choice, None = no PWM there.
TIM_PINS = {
    "A0": (2, 1, 1), "A1": (2, 2, 1), "A5": (2, 1, 1), "A6": (3, 1, 2), "A8": (1, 1, 1), "A11": (1, 4, 1),
    "A15": (2, 1, 1), "B0": (3, 3, 2), "B3": (2, 2, 1), "B4": (3, 1, 2), "B6": (4, 1, 2), "B9": (4, 4, 2),
    "B10": (2, 3, 1), "C9": (3, 4, 2), "D12": (4, 1, 2), "E5": (9, 1, 3), "A4": None, "B2": None, "C0": None,
}
ONLY_WITH_TIM12_14 = {"B14": (12, 1, 9), "B15": (12, 2, 9), "A7": (3, 2, 2)}


def tim_pin(stm: Stm32, name: str, timer: int = 0) -> tuple[int, int, int] | None:
    row = stm.call("stm32_tim_pin_lookup", pin(name), timer)
    if row == 0:
        return None
    raw = stm.machine.read(row, 4)
    assert raw[0] == pin(name)
    return raw[1], raw[2], raw[3]


@pytest.mark.parametrize("board_id", [F4, "NUCLEO_F401RE", "NUCLEO_F411RE", "NUCLEO_F446RE", F7])
def test_pwm_pin_table_matches_the_datasheets(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    for name, expected in TIM_PINS.items():
        assert tim_pin(stm, name) == expected, name
    assert tim_pin(stm, "A0", 5) == (5, 1, 2), "TIM5_CH1 on AF2 when asked for"
    assert tim_pin(stm, "A2", 9) == (9, 1, 3)
    assert tim_pin(stm, "B8", 10) == (10, 1, 3)
    assert tim_pin(stm, "B6", 2) is None
    small = board_id in ("NUCLEO_F401RE", "NUCLEO_F411RE")  # no TIM8 or TIM12..14 on these parts
    assert tim_pin(stm, "B14") == (None if small else (12, 1, 9))
    assert tim_pin(stm, "C6", 8) == (None if small else (8, 1, 3))
    assert tim_pin(stm, "A7", 14) == (None if small else (14, 1, 9))
    assert tim_pin(stm, "K0") is None and stm.call("stm32_tim_pin_lookup", 300, 0) == 0


@pytest.mark.parametrize("board_id", BOTH)
def test_pwm_pulse_width_in_nanoseconds(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    pwm = stm.machine.alloc(PWM.size)
    assert stm.call("stm32_pwm_init", pwm, 4, 1, pin("B6"), 2, 50, 0, 0) == 0
    tim = stm["tim4"]
    clock = 2 * APB[board_id][0]
    psc, arr = tim[0x28], tim[0x2C]
    assert clock / ((psc + 1) * (arr + 1)) == pytest.approx(50, rel=1e-4)
    assert stm.call("stm32_pwm_set_pulse_ns", pwm, 1_500_000) == 0
    tick_ns = (psc + 1) * 1e9 / clock
    assert tim[0x34] == round(1_500_000 / tick_ns), "CCR1 = width / tick, rounded"
    assert stm.call("stm32_pwm_pulse_ns", pwm) == pytest.approx(1_500_000, abs=tick_ns)
    assert stm.call("stm32_pwm_duty_u16", pwm) == (tim[0x34] << 16) // (arr + 1)
    # a new frequency keeps the width, not the fraction
    assert stm.call("stm32_pwm_set_freq", pwm, 100) == 0
    psc, arr = tim[0x28], tim[0x2C]
    tick_ns = (psc + 1) * 1e9 / clock
    assert tim[0x34] == round(1_500_000 / tick_ns)
    # wider than the period: always high
    assert stm.call("stm32_pwm_set_pulse_ns", pwm, 4_000_000_000) == 0 and tim[0x34] == arr + 1
    assert stm.call("stm32_pwm_duty_u16", pwm) == 0xFFFF
    # back to a fraction
    assert stm.call("stm32_pwm_set_duty", pwm, 0x4000) == 0 and tim[0x34] == (arr + 1) // 4
    assert stm.call("stm32_pwm_duty_u16", pwm) == 0x4000


# ---- board LEDs and switch (PYBV11: LEDs on A13, A14, A15, B4; USR switch on B3 to ground) --------------

def test_board_leds_and_user_switch(chip: Callable[..., Stm32]) -> None:
    stm = chip("PYBV11")
    assert stm.call("stm32_led_count") == 4
    leds = [("gpioA", 13), ("gpioA", 14), ("gpioA", 15), ("gpioB", 4)]
    for n, (port, bit) in enumerate(leds, start=1):
        gpio = stm[port]
        assert stm.call("stm32_led", n, 3) == 0, "first use: an output, dark"
        assert gpio.mode(bit) == 1 and gpio.level(bit) == 0
        assert stm.call("stm32_led", n, 1) == 1 and gpio.level(bit) == 1
        assert stm.call("stm32_led", n, 2) == 0 and gpio.level(bit) == 0
        assert stm.call("stm32_led", n, 2) == 1 and gpio.level(bit) == 1
        assert stm.call("stm32_led", n, 3) == 1
        assert stm.call("stm32_led", n, 0) == 0 and gpio.level(bit) == 0
    assert stm.call("stm32_led", 5, 1) == -ENODEV and stm.call("stm32_led", 0, 1) == -ENODEV
    gpio_b = stm["gpioB"]
    assert stm.call("stm32_switch_init") == 0
    assert gpio_b.mode(3) == 0 and (gpio_b[0x0C] >> 6) & 3 == 1, "PB3 input with pull-up"
    assert stm.call("stm32_switch_pressed") == 0, "released: the pull-up reads high"
    gpio_b.external[3] = 0
    assert stm.call("stm32_switch_pressed") == 1, "pressed: shorted to ground"
    callback = stm.machine.stub()
    assert stm.call("stm32_switch_attach", callback, 0x55, 10) == 0
    exti = stm["exti"]
    assert exti[0x00] >> 3 & 1 and exti[0x0C] >> 3 & 1 and not exti[0x08] >> 3 & 1, "line 3, falling edge"
    stm.call("stm32_switch_detach")
    assert not exti[0x00] >> 3 & 1


def test_no_switch_on_a_board_without_one(chip: Callable[..., Stm32]) -> None:
    stm = chip(F4)  # NETDUINO_PLUS_2 lists one LED and no [[buttons]]
    assert stm.call("stm32_led_count") == 1
    assert stm.call("stm32_switch_init") == -ENODEV and stm.call("stm32_switch_pressed") == -ENODEV


@pytest.mark.parametrize("board_id", BOTH)
def test_periodic_timer_interrupt_calls_back(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    timer = stm.machine.alloc(TIMER.size)
    callback = stm.machine.stub()
    assert stm.call("stm32_timer_start", timer, 2, 1, 10, callback, 0x77, 9) == 0
    tim = stm["tim2"]
    clock = 2 * APB[board_id][0]
    assert clock / ((tim[0x28] + 1) * (tim[0x2C] + 1)) == pytest.approx(10, rel=1e-6)
    assert tim[0x0C] == 1 and tim[0x00] & 1 and tim[0x00] & (1 << 2), "UIE, CEN, URS"
    assert 28 in stm["scs"].enabled and stm["scs"].priority(28) == 9 << 4
    tim[0x10] = 0x1 | 0x2  # UIF and CC1IF
    stm.call("stm32_irq_dispatch_n", 28)
    assert stm.machine.stub_calls[callback & ~1][0][0] == 0x77
    assert tim[0x10] == 0x2, "UIF cleared, CC1IF left alone (rc_w0)"
    stm.call("stm32_irq_dispatch_n", 28)  # no UIF: no call
    assert len(stm.machine.stub_calls[callback & ~1]) == 1 and TIMER.get(stm.machine, timer, "count") == 1
    stm.call("stm32_timer_stop", timer)
    assert 28 not in stm["scs"].enabled and tim[0x00] & 1 == 0
    # a 16-bit timer at 1 Hz needs the prescaler
    assert stm.call("stm32_timer_start", timer, 3, 1, 1, callback, 0, 9) == 0
    tim3 = stm["tim3"]
    assert clock / ((tim3[0x28] + 1) * (tim3[0x2C] + 1)) == pytest.approx(1, rel=1e-6) and tim3[0x2C] <= 0xFFFF
    other = stm.machine.alloc(TIMER.size)
    assert stm.call("stm32_timer_start", other, 1, 1, 1, callback, 0, 9) == -ENODEV


# ---- I2C ----------------------------------------------------------------------------------------------

I2C_PINS = {F4: ("B8", "B9"), F7: ("B8", "B9")}


def i2c_init(stm: Stm32, board_id: str, freq: int = 100_000, index: int = 1, timeout_us: int = 2000) -> tuple[int, int]:
    scl, sda = I2C_PINS[board_id]
    config = I2C_CONFIG.new(stm.machine, index=index, freq=freq, scl=pin(scl), sda=pin(sda), af=0,
                            timeout_us=timeout_us)
    i2c = stm.machine.alloc(I2C.size)
    return stm.call("stm32_i2c_init", i2c, config), i2c


def test_i2c_v1_timing_registers(chip: Callable[..., Stm32]) -> None:
    stm = chip(F4)
    err, i2c = i2c_init(stm, F4, 100_000)
    assert err == 0
    model = stm["i2c1"]
    assert model[0x04] & 0x3F == 42, "CR2.FREQ = PCLK1 in MHz"
    assert model[0x1C] == 210 and model[0x20] == 43, "standard mode: CCR = 42 MHz / 200 kHz, TRISE = 1000 ns"
    assert I2C.get(stm.machine, i2c, "actual") == 100_000
    assert model[0x00] & 1
    assert (stm["gpioB"][0x24] & 0xFF) == 0x44 and stm["gpioB"][0x04] & 0x300 == 0x300, "AF4, open drain"
    err, i2c = i2c_init(stm, F4, 400_000)
    assert err == 0
    assert model[0x1C] == (1 << 15) | 35 and model[0x20] == 42 * 300 // 1000 + 1, "fast mode, duty 2:1"
    assert I2C.get(stm.machine, i2c, "actual") == 42_000_000 // (3 * 35)
    assert i2c_init(stm, F4, 1_000_000)[0] == -EINVAL


@pytest.mark.parametrize("board_id", BOTH)
def test_i2c_write_then_read_with_repeated_start(chip: Callable[..., Stm32], board_id: str) -> None:
    device = models.I2cDevice(0x50, data=bytes([0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5]))
    stm = chip(board_id, i2c_devices=[device])
    err, i2c = i2c_init(stm, board_id)
    assert err == 0
    register = stm.machine.alloc(1, b"\x10")
    assert stm.call("stm32_i2c_write", i2c, 0x50, register, 1, 0) == 1  # no STOP: repeated START follows
    buffer = stm.machine.alloc(8)
    assert stm.call("stm32_i2c_read", i2c, 0x50, buffer, 4, 1) == 4
    assert stm.machine.read(buffer, 4) == device.data[:4]
    model = stm["i2c1"]
    assert model.transactions == [("w", 0x50, [0x10]), ("r", 0x50, [0xA0, 0xA1, 0xA2, 0xA3])]
    if not stm.f7:
        assert model.starts == 2 and model.stops == 1
        assert device.reads[-1] == (4, [True, True, True, False]), "only the last byte NACKed"
    assert stm.violations() == []


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_i2c_v1_receive_procedures(chip: Callable[..., Stm32], count: int) -> None:
    device = models.I2cDevice(0x1D, data=bytes(range(0x60, 0x70)))
    stm = chip(F4, i2c_devices=[device])
    err, i2c = i2c_init(stm, F4)
    assert err == 0
    buffer = stm.machine.alloc(16)
    assert stm.call("stm32_i2c_read", i2c, 0x1D, buffer, count, 1) == count
    assert stm.machine.read(buffer, count) == device.data[:count]
    assert device.reads == [(count, [True] * (count - 1) + [False])], "exactly count bytes, last one NACKed"
    model = stm["i2c1"]
    assert model.stops == 1 and model[0x00] & (1 << 11) == 0, "STOP sent, POS cleared"
    assert stm.violations() == []


@pytest.mark.parametrize("board_id", BOTH)
def test_i2c_nacks_are_reported(chip: Callable[..., Stm32], board_id: str) -> None:
    device = models.I2cDevice(0x3C, nack_after=2)
    stm = chip(board_id, i2c_devices=[device])
    err, i2c = i2c_init(stm, board_id)
    assert err == 0
    data = stm.machine.alloc(4, b"\x01\x02\x03\x04")
    assert stm.call("stm32_i2c_write", i2c, 0x42, data, 4, 1) == -ENODEV, "nobody at 0x42"
    assert stm.call("stm32_i2c_write", i2c, 0x3C, data, 0, 1) == 0, "probe: address acknowledged"
    assert stm.call("stm32_i2c_write", i2c, 0x3C, data, 4, 1) == -EIO, "third byte NACKed"
    assert device.received == [1, 2, 3]
    model = stm["i2c1"]
    if not stm.f7:
        assert model.stops == 3, "every transfer, failed or not, released the bus"
    assert stm.call("stm32_i2c_write", i2c, 0x80, data, 1, 1) == -EINVAL
    assert stm.violations() == []


@pytest.mark.parametrize("board_id", BOTH)
def test_i2c_timeout_resets_the_peripheral(chip: Callable[..., Stm32], board_id: str) -> None:
    device = models.I2cDevice(0x3C)
    stm = chip(board_id, i2c_devices=[device], systick_step=2000)
    err, i2c = i2c_init(stm, board_id, timeout_us=500)
    assert err == 0
    model = stm["i2c1"]
    data = stm.machine.alloc(1, b"\x00")
    if stm.f7:
        model.devices.clear()
        model.write_word = lambda offset, value, size, orig=model.write_word: (
            None if offset == 0x04 and value & (1 << 13) else orig(offset, value, size))  # START lost
    else:
        model.stall = True
    before = len(writes_to(stm, 0x40005400))
    assert stm.call("stm32_i2c_write", i2c, 0x3C, data, 1, 1) == -ETIMEDOUT
    cr1_writes = writes_to(stm, 0x40005400)[before:]
    if stm.f7:
        assert any(v & 1 == 0 for v in cr1_writes), "PE cleared: the F7's software reset"
    else:
        assert any(v & (1 << 15) for v in cr1_writes), "SWRST pulsed"
    assert cr1_writes[-1] & 1, "enabled again afterwards"


@pytest.mark.parametrize("board_id", BOTH)
def test_i2c_bus_recovery_clocks_out_a_stuck_device(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    gpio = stm["gpioB"]
    scl, sda = pin("B8") % 16, pin("B9") % 16
    gpio.external[sda] = 0  # a device reset mid-read holds SDA low
    pulses: list[int] = []
    events: list[tuple[str, int, int]] = []

    def on_latch(bit: int, old: int, new: int) -> None:
        level = (gpio.level(scl), gpio.level(sda))
        events.append(("scl" if bit == scl else "sda", new, level[1] if bit == scl else level[0]))
        if bit == scl and new == 1 and gpio.external.get(sda) == 0:
            pulses.append(1)
            if len(pulses) == 3:
                gpio.external[sda] = None  # it lets go after three clocks

    gpio.on_latch.append(on_latch)
    err, i2c = i2c_init(stm, board_id)
    assert err == 0
    assert len(pulses) == 3
    assert I2C.get(stm.machine, i2c, "recoveries") == 1
    # STOP: SDA goes high while SCL is high, after SDA was driven low with SCL low
    sda_events = [e for e in events if e[0] == "sda"]
    assert sda_events[-2][1] == 0 and sda_events[-2][2] == 0, "SDA pulled low while SCL low"
    assert sda_events[-1][1] == 1 and sda_events[-1][2] == 1, "SDA released while SCL high: STOP"
    assert (gpio[0x00] >> (2 * scl)) & 3 == 2 and (gpio[0x00] >> (2 * sda)) & 3 == 2, "both back on AF"
    # a device that never lets go: recovery gives up after 9 clocks and the init reports it
    stm2 = chip(board_id)
    stm2["gpioB"].external[sda] = 0
    count: list[int] = []
    stm2["gpioB"].on_latch.append(lambda bit, old, new: count.append(1) if bit == scl and new == 1 else None)
    assert i2c_init(stm2, board_id)[0] == -EBUSY
    assert len(count) == 9 + 2, "nine clocks, plus SCL high for the STOP attempt and the initial release"


def test_i2c_v2_timing_and_long_transfers(chip: Callable[..., Stm32]) -> None:
    device = models.I2cDevice(0x68, data=bytes(i % 256 for i in range(300)))
    stm = chip(F7, i2c_devices=[device])
    for freq in (100_000, 400_000):
        err, i2c = i2c_init(stm, F7, freq)
        assert err == 0
        timing = stm["i2c1"][0x10]
        presc, scldel, sdadel = timing >> 28, (timing >> 20) & 0xF, (timing >> 16) & 0xF
        sclh, scll = (timing >> 8) & 0xFF, timing & 0xFF
        clk = 54_000_000
        tick = (presc + 1) / clk
        # RM0410 30.4.9: tSCL = tSYNC1 + tSYNC2 + (SCLL + 1 + SCLH + 1) * tPRESC, tSYNC >= 2-3 I2CCLK each
        fastest = 1 / ((scll + 1 + sclh + 1) * tick + 2 * (2 / clk + 50e-9))
        slowest = 1 / ((scll + 1 + sclh + 1) * tick + 2 * (3 / clk + 260e-9))
        assert fastest <= freq * 1.001 and slowest >= freq * 0.8  # 0.8: worst-case sync at 400 kHz
        assert I2C.get(stm.machine, i2c, "actual") == pytest.approx(fastest, rel=0.01)
        fast = freq > 100_000
        assert (scll + 1) * tick >= (1.3e-6 if fast else 4.7e-6), "tLOW minimum"
        assert (sclh + 1) * tick >= (0.6e-6 if fast else 4.0e-6), "tHIGH minimum"
        assert (scldel + 1) * tick >= (100e-9 + 300e-9 if fast else 250e-9 + 1000e-9), "tSU;DAT + tr"
        assert sdadel * tick >= 0
    buffer = stm.machine.alloc(300)
    assert stm.call("stm32_i2c_read", i2c, 0x68, buffer, 300, 1) == 300
    assert stm.machine.read(buffer, 300) == device.data
    data = stm.machine.alloc(300, bytes(range(256)) + bytes(44))
    assert stm.call("stm32_i2c_write", i2c, 0x68, data, 300, 1) == 300
    assert device.received == list(range(256)) + [0] * 44
    cr2_writes = writes_to(stm, 0x40005404)
    assert any(v & (1 << 24) and (v >> 16) & 0xFF == 255 for v in cr2_writes), "RELOAD with 255 bytes"
    assert any(v & (1 << 25) and (v >> 16) & 0xFF == 45 for v in cr2_writes), "then AUTOEND with the rest"
    assert stm.violations() == []


# ---- watchdog, RTC, ID, reset cause --------------------------------------------------------------------

@pytest.mark.parametrize("board_id", BOTH)
def test_iwdg_start_sequence(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    actual = stm.machine.alloc(4)
    assert stm.call("stm32_iwdg_start", 1000, actual) == 0
    iwdg = stm["iwdg"]
    keys = [v & 0xFFFF for v in writes_to(stm, 0x40003000)]
    assert keys == [0xCCCC, 0x5555, 0xAAAA]
    assert iwdg.started and not iwdg.open
    divider = 4 << iwdg[0x04]
    assert (iwdg[0x08] + 1) * divider / 32_000 == pytest.approx(1.0, rel=0.01)
    assert stm.machine.u32(actual) == pytest.approx(1000, rel=0.01)
    sr_reads = [a for a in stm.machine.bus.log if a.address == 0x4000300C and a.kind == "r"]
    assert len(sr_reads) >= 2 and sr_reads[-1].value == 0, "waited for PVU/RVU before reloading"
    stm.call("stm32_iwdg_feed")
    assert iwdg.reloads == 2
    assert stm.call("stm32_iwdg_start", 40_000, 0) == -EINVAL
    assert stm.violations() == []


@pytest.mark.parametrize("board_id", BOTH)
def test_rtc_on_lse_set_and_get(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    rtc = stm.machine.alloc(RTC.size)
    assert stm.call("stm32_rtc_init", rtc, 100) == 0
    bdcr = stm["rcc"][0x70]
    assert (bdcr >> 8) & 3 == 1 and bdcr & (1 << 15) and bdcr & 1, "RTCSEL = LSE, RTCEN, LSEON"
    assert stm["pwr"][0x00] & (1 << 8), "backup domain write access (DBP)"
    assert RTC.get(stm.machine, rtc, "source") == 1 and RTC.get(stm.machine, rtc, "prediv_s") == 255
    assert stm["rtc"].prer_writes == [255, 255 | (127 << 16)], "PRER in two writes, synchronous first"
    when = DATETIME.new(stm.machine, year=2031, month=12, day=31, weekday=3, hour=23, minute=59, second=58)
    assert stm.call("stm32_rtc_set", rtc, when) == 0
    assert stm["rtc"][0x00] == 0x235958 and stm["rtc"][0x04] == 0x31 << 16 | 3 << 13 | 0x12 << 8 | 0x31
    stm["rtc"][0x28] = 255 - 64  # a quarter of a second into the second
    out = stm.machine.alloc(DATETIME.size)
    assert stm.call("stm32_rtc_get", rtc, out) == 0
    got = {name: DATETIME.get(stm.machine, out, name) for name in DATETIME.offsets}
    assert got == dict(year=2031, month=12, day=31, weekday=3, hour=23, minute=59, second=58, subsecond=64)
    assert not stm["rtc"].unlocked, "write protection back on"
    bad = DATETIME.new(stm.machine, year=2023, month=2, day=29, weekday=1)
    assert stm.call("stm32_rtc_set", rtc, bad) == -EINVAL, "2023 is not a leap year"
    assert stm.violations() == []


def test_rtc_falls_back_to_lsi_when_the_crystal_does_not_start(chip: Callable[..., Stm32]) -> None:
    stm = chip(F4, lse=False, systick_step=20_000)
    rtc = stm.machine.alloc(RTC.size)
    assert stm.call("stm32_rtc_init", rtc, 50, limit=20_000_000) == 0
    rcc = stm["rcc"]
    assert rcc.lse_polls > 10, "waited for LSERDY"
    assert (rcc[0x70] >> 8) & 3 == 2 and not rcc[0x70] & 1, "RTCSEL = LSI, LSE switched off again"
    assert rcc[0x74] & 1, "LSION"
    assert RTC.get(stm.machine, rtc, "source") == 2 and stm["rtc"].prer_writes == [249, 249 | (127 << 16)]
    assert stm.violations() == []


def test_rtc_keeps_a_running_calendar(chip: Callable[..., Stm32]) -> None:
    stm = chip(F4)
    rcc, model = stm["rcc"], stm["rtc"]
    rcc[0x70] = (1 << 15) | (1 << 8) | 1  # RTCEN, LSE, LSEON: left so by the previous boot
    model[0x04] = 0x24 << 16 | 2 << 13 | 0x06 << 8 | 0x15
    model[0x10] = 127 << 16 | 255
    rtc = stm.machine.alloc(RTC.size)
    assert stm.call("stm32_rtc_init", rtc, 100) == 0
    assert RTC.get(stm.machine, rtc, "kept") == 1
    assert not any(v & (1 << 16) for v in writes_to(stm, RCC + 0x70)), "no backup domain reset"
    assert model.prer_writes == []
    out = stm.machine.alloc(DATETIME.size)
    assert stm.call("stm32_rtc_get", rtc, out) == 0
    assert DATETIME.get(stm.machine, out, "year") == 2024 and DATETIME.get(stm.machine, out, "day") == 15


@pytest.mark.parametrize("board_id", BOTH)
def test_unique_id_and_flash_size(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    out = stm.machine.alloc(12)
    stm.call("stm32_unique_id", out)
    assert stm.machine.read(out, 12) == UID
    assert stm.call("stm32_flash_size_kib") == (2048 if stm.f7 else 1024)


@pytest.mark.parametrize("flags,cause", [
    (0x0C000000, 1),  # POR (+ PIN)
    (0x06000000, 2),  # BOR (+ PIN)
    (0x04000000, 3),  # PIN
    (0x14000000, 4),  # software (+ PIN)
    (0x24000000, 5),  # IWDG (+ PIN)
    (0x44000000, 6),  # WWDG
    (0x84000000, 7),  # low power
])
def test_reset_cause_from_csr_flags(chip: Callable[..., Stm32], flags: int, cause: int) -> None:
    stm = chip(F4, reset_flags=flags | 0x3)
    taken = stm.call("stm32_reset_flags_take") & 0xFFFFFFFF
    assert taken == flags
    assert stm.call("stm32_reset_cause", taken) == cause
    assert stm["rcc"][0x74] & 0xFF000000 == 0, "RMVF cleared the flags"
    assert stm.call("stm32_reset_flags_take") == 0


@pytest.mark.parametrize("board_id", BOTH)
def test_bootloader_entry(chip: Callable[..., Stm32], board_id: str) -> None:
    from unicorn import arm_const as arm

    stm = chip(board_id)
    uart_init(stm, 2)  # something running: an enabled USART and its interrupt
    stm.machine.run_until("stm32_enter_bootloader", stm.sysmem + BOOTLOADER_ENTRY_OFFSET)
    machine = stm.machine
    assert machine.reg(arm.UC_ARM_REG_PC) == stm.sysmem + BOOTLOADER_ENTRY_OFFSET
    assert machine.reg(arm.UC_ARM_REG_MSP) == BOOTLOADER_SP
    assert machine.reg(arm.UC_ARM_REG_PRIMASK) == 0
    scs = stm["scs"]
    assert scs[0xD08] == stm.sysmem, "VTOR on the ROM's vector table"
    assert scs[0x10] == 0 and scs.enabled == set(), "SysTick off, every interrupt disabled"
    assert all(v == 0xFFFFFFFF for v in writes_to(stm, 0xE000E280)), "pending interrupts cleared"
    rcc = stm["rcc"]
    assert rcc[0x08] & 3 == 0 and not rcc[0x00] & (1 << 24), "SYSCLK on HSI, PLL off"
    assert rcc.pulses.get((0x20, 17)), "USART2 reset"
    assert rcc.pulses.get((0x10, 0)), "GPIOA reset"
    if stm.f7:
        assert not scs[0xD14] & (1 << 17), "I-cache off"
    else:
        assert stm["syscfg"][0x00] == 1, "system memory remapped at 0"


# ---- internal flash -----------------------------------------------------------------------------------

SECTOR_MAPS_KIB = {
    "NUCLEO_F401RE": [16, 16, 16, 16, 64, 128, 128, 128],  # RM0368 table 5 (512 KiB part)
    "NUCLEO_F411RE": [16, 16, 16, 16, 64, 128, 128, 128],  # RM0383 table 4
    "NETDUINO_PLUS_2": [16, 16, 16, 16, 64] + [128] * 7,   # RM0090 table 5 (1 MiB)
    "NUCLEO_F446RE": [16, 16, 16, 16, 64, 128, 128, 128],  # RM0390 table 4
    "NUCLEO_F767ZI": [32, 32, 32, 32, 128] + [256] * 7,    # RM0410 table 3 (single bank)
}


@pytest.mark.parametrize("board_id", sorted(SECTOR_MAPS_KIB))
def test_flash_sector_maps(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    flash = stm.machine.alloc(FLASH.size)
    stm.call("stm32_flash_init", flash, 3300)
    expected = SECTOR_MAPS_KIB[board_id]
    assert stm.call("stm32_flash_sector_count", flash) == len(expected)
    start, size = stm.machine.alloc(4), stm.machine.alloc(4)
    address = 0x08000000
    for index, kib in enumerate(expected):
        assert stm.call("stm32_flash_sector_info", flash, index, start, size) == 0
        assert (stm.machine.u32(start), stm.machine.u32(size)) == (address, kib * 1024)
        found = stm.machine.alloc(4)
        assert stm.call("stm32_flash_sector_of", flash, address + kib * 1024 - 1, found) == 0
        assert stm.machine.u32(found) == index
        address += kib * 1024
    assert stm.call("stm32_flash_sector_info", flash, len(expected), start, size) == -EINVAL
    assert stm.call("stm32_flash_sector_of", flash, address, start) == -EINVAL


def flash_for(stm: Stm32, vdd_mv: int = 3300) -> int:
    flash = stm.machine.alloc(FLASH.size)
    stm.call("stm32_flash_init", flash, vdd_mv)
    return flash


@pytest.mark.parametrize("board_id", BOTH)
def test_flash_refuses_the_running_firmware(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    flash = flash_for(stm)
    protect = (FLASH.get(stm.machine, flash, "protect_start"), FLASH.get(stm.machine, flash, "protect_end"))
    assert protect[0] == 0x08000000 and 0 <= protect[1] - stm.machine.image_end < 8, "the image, to .data's end"
    stm.machine.bus.clear_log()
    assert stm.call("stm32_flash_erase", flash, 0) == -EPERM
    data = stm.machine.alloc(4, b"\x00" * 4)
    assert stm.call("stm32_flash_write", flash, protect[1] - 2, data, 4) == -EPERM
    assert not any(a.kind == "w" for a in stm.machine.bus.log), "nothing written to the flash interface"
    assert stm.call("stm32_flash_write", flash, 0x08000000 + 0x10000000, data, 4) == -EINVAL


@pytest.mark.parametrize("board_id", BOTH)
def test_flash_erase_sequence(chip: Callable[..., Stm32], board_id: str) -> None:
    stm = chip(board_id)
    flash = flash_for(stm)
    sectors = flash_sectors(stm.f7, 0x200000 if stm.f7 else 0x100000)
    index = 6
    offset, size = sectors[index]
    array = stm["flash_array"]
    array.data[0x08000000 + offset - array.base:][:64] = b"\x00" * 64
    stm.machine.bus.clear_log()
    assert stm.call("stm32_flash_erase", flash, index) == 0
    interface = stm["flash"]
    assert interface.operations == [("erase", index, 2)], "sector erase with x32 parallelism"
    keys = writes_to(stm, 0x40023C04)
    assert keys == [0x45670123, 0xCDEF89AB]
    cr_writes = writes_to(stm, 0x40023C10)
    erase_cr = [v for v in cr_writes if v & 2]
    assert erase_cr[0] == (2 << 8) | 2 | (index << 3) and erase_cr[1] & (1 << 16), "SER + SNB + PSIZE, then STRT"
    assert cr_writes[-1] & (1 << 31), "locked again"
    assert interface.bsy_polls == interface.busy, "BSY polled until clear"
    assert array.data[0x08000000 + offset - array.base:][:size] == b"\xff" * size
    assert stm.violations() == []


@pytest.mark.parametrize("board_id,vdd,widths", [
    (F4, 3300, [1, 2, 4, 4, 4, 4, 1]),
    (F4, 2400, [1] + [2] * 9 + [1]),
    (F4, 1800, [1] * 20),
    (F7, 3300, [1, 2, 4, 4, 4, 4, 1]),
])
def test_flash_program_parallelism_and_alignment(chip: Callable[..., Stm32], board_id: str, vdd: int,
                                                 widths: list[int]) -> None:
    stm = chip(board_id)
    flash = flash_for(stm, vdd)
    address = stm.machine.code_end + 0x101  # odd: a byte, a halfword, then words, a byte at the end
    payload = bytes(range(1, 21))
    data = stm.machine.alloc(len(payload), payload)
    assert stm.call("stm32_flash_write", flash, address, data, len(payload)) == 0
    interface = stm["flash"]
    assert [op[2] for op in interface.operations] == widths
    assert stm.machine.read(address, len(payload)) == payload
    assert stm["flash"][0x10] & (1 << 31) and not stm["flash"][0x10] & 1, "PG off, locked"
    assert stm.violations() == []
    # programming over data that is not erased cannot make ones: the read-back catches it
    again = stm.machine.alloc(4, b"\xff\xff\xff\xff")
    assert stm.call("stm32_flash_write", flash, address + 1, again, 4) == -EIO


def test_flash_errors_and_timeouts(chip: Callable[..., Stm32]) -> None:
    stm = chip(F4, systick_step=50_000)
    flash = flash_for(stm)
    interface = stm["flash"]
    data = stm.machine.alloc(4, b"\x12\x34\x56\x78")
    address = stm.machine.code_end
    interface.r[0x0C] = 1 << 4  # WRPERR left over from before: cleared by the driver first
    assert stm.call("stm32_flash_write", flash, address, data, 4) == 0
    assert writes_to(stm, 0x40023C0C)[0] & (1 << 4)
    # the interface reports a protection error during the erase
    original = interface._erase

    def failing_erase(cr: int) -> None:
        original(cr)
        interface.r[0x0C] = interface.r.get(0x0C, 0) | (1 << 4)

    interface._erase = failing_erase  # type: ignore[method-assign]
    assert stm.call("stm32_flash_erase", flash, 7) == -EIO
    interface._erase = original  # type: ignore[method-assign]
    # BSY that never clears
    stm.machine.set_u32(flash + FLASH.offsets["erase_timeout"][0], 2000)
    interface.busy = 10**9
    assert stm.call("stm32_flash_erase", flash, 8, limit=20_000_000) == -ETIMEDOUT
    assert interface[0x10] & (1 << 31), "locked even after a failure"


# ---- the filesystem on internal flash --------------------------------------------------------------------

@pytest.fixture
def flash_fs(chip: Callable[..., Stm32], driver_elfs: Callable[[str], tuple[Board, Path]]) -> Callable[..., Any]:
    """kfs on the internal-flash block device of a machine: returns (stm, helpers)."""
    from tests.support.stm32_unicorn import struct_layouts

    def make(board_id: str = F4, cache_size: int = 1024) -> tuple[Stm32, dict[str, Any]]:
        stm = chip(board_id)
        layout = struct_layouts(driver_elfs(board_id)[1], ["kfs_t", "kfs_config_t", "kfs_file_t", "kfs_entry_t",
                                                           "stm32_flash_bd_t", "stm32_flash_t", "kfs_info_t"])
        machine = stm.machine
        flash = machine.alloc(layout["stm32_flash_t"].size)
        stm.call("stm32_flash_init", flash, 3300)
        first, count = machine.alloc(4), machine.alloc(4)
        stm.call("stm32_flash_bd_default_region", flash, first, count)
        fbd = machine.alloc(layout["stm32_flash_bd_t"].size)
        region = (machine.u32(first), machine.u32(count))
        config = machine.alloc(layout["kfs_config_t"].size)
        entries = machine.alloc(32 * layout["kfs_entry_t"].size)
        cache = machine.alloc(cache_size)
        fs = machine.alloc(layout["kfs_t"].size)
        values = {"bd": fbd, "entries": entries, "max_entries": 32, "bitmap": machine.alloc(4), "cache": cache,
                  "cache_size": cache_size, "block_cycles": 100, "inline_max": 0, "name_max": 0}
        for name, value in values.items():
            machine.set_u32(config + layout["kfs_config_t"][name], value)
        return stm, {"layout": layout, "flash": flash, "fbd": fbd, "region": region, "config": config, "fs": fs,
                     "cache_size": cache_size}

    return make


def c_string(stm: Stm32, text: str) -> int:
    return stm.machine.alloc(len(text) + 1, text.encode() + b"\0")


# 1 and 2 MiB parts: /flash in the top 128/256 KiB sectors. The 512 KiB parts (classic layout, /flash in the
# 16 KiB sectors 1..3 between the vector table and the code) have their own tests below.
@pytest.mark.parametrize("board_id,region", [(F4, (8, 4)), (F7, (8, 4))])
def test_kfs_on_internal_flash(flash_fs: Callable[..., Any], board_id: str, region: tuple[int, int]) -> None:
    stm, fs = flash_fs(board_id)
    machine = stm.machine
    assert fs["region"] == region
    assert stm.call("stm32_flash_bd_init", fs["fbd"], fs["flash"], *region) == 0
    assert stm.call("kfs_format", fs["fs"], fs["config"], limit=50_000_000) == 0
    interface = stm["flash"]
    erased = {op[1] for op in interface.operations if op[0] == "erase"}
    assert erased and erased <= set(range(region[0], region[0] + region[1])), "only the filesystem's sectors"
    file = machine.alloc(fs["layout"]["kfs_file_t"].size)
    cache = machine.alloc(1024)
    # with only the metadata pair (512 KiB parts) every file lives inline: at most the cache size
    big = bytes((i * 7) % 256 for i in range(5000 if region[1] > 2 else 1000))
    for path, data in (("/main.py", b"print('hello from flash')\n"), ("/big.bin", big)):
        assert stm.call("kfs_file_open", fs["fs"], file, c_string(stm, path), 0x2 | 0x100 | 0x400, cache) == 0
        buffer = machine.alloc(len(data), data)
        assert stm.call("kfs_file_write", fs["fs"], file, buffer, len(data), limit=50_000_000) == len(data)
        assert stm.call("kfs_file_close", fs["fs"], file, limit=50_000_000) == 0
    assert stm.call("kfs_unmount", fs["fs"]) == 0
    assert stm.call("kfs_mount", fs["fs"], fs["config"], limit=50_000_000) == 0
    for path, data in (("/main.py", b"print('hello from flash')\n"), ("/big.bin", big)):
        assert stm.call("kfs_file_open", fs["fs"], file, c_string(stm, path), 0x1, cache) == 0
        out = machine.alloc(len(data) + 8)
        assert stm.call("kfs_file_read", fs["fs"], file, out, len(data) + 8, limit=50_000_000) == len(data)
        assert machine.read(out, len(data)) == data
        assert stm.call("kfs_file_close", fs["fs"], file) == 0
    if region[1] == 2:
        too_big = machine.alloc(2000)
        assert stm.call("kfs_file_open", fs["fs"], file, c_string(stm, "/more"), 0x2 | 0x100, cache) == 0
        assert stm.call("kfs_file_write", fs["fs"], file, too_big, 2000, limit=50_000_000) == -28, "no data blocks"
        stm.call("kfs_file_close", fs["fs"], file, limit=50_000_000)
    programs = [op for op in interface.operations if op[0] == "program"]
    assert programs and {op[2] for op in programs} <= {1, 2, 4}
    assert stm.violations() == [], "every program on erased flash, unlocked, with the right PSIZE"
    assert interface[0x10] & (1 << 31), "flash interface locked when idle"


def test_flash_bd_refuses_firmware_sectors_and_mixed_sizes(flash_fs: Callable[..., Any]) -> None:
    stm, fs = flash_fs(F4)
    assert stm.call("stm32_flash_bd_init", fs["fbd"], fs["flash"], 0, 2) == -EPERM
    assert stm.call("stm32_flash_bd_init", fs["fbd"], fs["flash"], 3, 3) == -EINVAL, "16, 64 and 128 KiB sectors"
    assert stm.call("stm32_flash_bd_init", fs["fbd"], fs["flash"], 10, 3) == -EINVAL, "past the last sector"


# ---- the 512 KiB parts: /flash in sectors 1..3, inside the firmware's span -------------------------------

SPLIT = ["NUCLEO_F401RE", "NUCLEO_F411RE", "NUCLEO_F446RE", "WEACT_F411_BLACKPILL"]
FS_START, FS_END = 0x08004000, 0x08010000  # sectors 1..3 (RM0368/RM0383/RM0390 3.3: 16 KiB each)
SMALL_CACHE = 4096  # ports/stm32/mod_os.c FS_SMALL_CACHE: the largest inline file on these parts


def firmware_intact(stm: Stm32, elf: Path) -> bool:
    """Every byte the ELF loads into flash still reads back as linked (nothing programmed or erased there)."""
    from kiln.flash.image import load_image

    return all(stm.machine.read(seg.address, len(seg.data)) == seg.data for seg in load_image(elf).segments
               if 0x08000000 <= seg.address < 0x10000000)


@pytest.mark.parametrize("board_id", ["NUCLEO_F401RE", "NUCLEO_F446RE"])
def test_flash_protects_sectors_0_and_4_up_but_not_the_filesystem_between(chip: Callable[..., Stm32],
                                                                           driver_elfs: Callable[[str], Any],
                                                                           board_id: str) -> None:
    stm = chip(board_id)
    flash = flash_for(stm)
    fields = {name: FLASH.get(stm.machine, flash, name) for name in ("protect_start", "protect_end", "open_start",
                                                                    "open_end")}
    assert fields["protect_start"] == 0x08000000 and fields["protect_end"] > 0x08010000
    assert (fields["open_start"], fields["open_end"]) == (FS_START, FS_END)
    data = stm.machine.alloc(4, b"\x00" * 4)
    stm.machine.bus.clear_log()
    last_firmware_sector = (fields["protect_end"] - 1 - 0x08000000) // 0x20000 + 4  # 128 KiB sectors from 5 on
    for sector in [0, *range(4, last_firmware_sector + 1)]:
        assert stm.call("stm32_flash_erase", flash, sector) == -EPERM, f"sector {sector} holds the firmware"
    for address in (FS_START - 2, FS_END - 2, 0x08000100, FS_END):  # straddling either edge, or inside the code
        assert stm.call("stm32_flash_write", flash, address, data, 4) == -EPERM, hex(address)
    assert not any(a.kind == "w" for a in stm.machine.bus.log), "nothing written to the flash interface"
    for sector in (1, 2, 3):
        assert stm.call("stm32_flash_erase", flash, sector) == 0
    assert stm.call("stm32_flash_write", flash, FS_START, data, 4) == 0
    assert stm.call("stm32_flash_write", flash, FS_END - 4, data, 4) == 0
    assert [op[1] for op in stm["flash"].operations if op[0] == "erase"] == [1, 2, 3]
    assert stm.violations() == []
    assert firmware_intact(stm, driver_elfs(board_id)[1])
    # the block device takes exactly those sectors, and no run that reaches into the firmware
    fbd = stm.machine.alloc(64)
    assert stm.call("stm32_flash_bd_init", fbd, flash, 1, 3) == 0
    assert stm.call("stm32_flash_bd_init", fbd, flash, 0, 3) == -EPERM
    assert stm.call("stm32_flash_bd_init", fbd, flash, 1, 4) == -EINVAL, "sector 4 is 64 KiB"


def py_source(size: int, seed: int) -> bytes:
    """A plausible .py file of exactly `size` bytes."""
    line = f"def handler_{seed}(value):  # sensor reading {seed}\n    return value * {seed} + 1\n\n".encode()
    return (line * (size // len(line) + 1))[:size]


KFS_IO_MAX = 12 * 1024


def kfs_io(stm: Stm32, fs: dict[str, Any], path: str) -> tuple[int, int, int, int]:
    """(file, cache, buffer, path) in the machine's scratch RAM, allocated once per filesystem and reused."""
    machine = stm.machine
    if "io" not in fs:
        fs["io"] = (machine.alloc(fs["layout"]["kfs_file_t"].size), machine.alloc(fs["cache_size"]),
                    machine.alloc(KFS_IO_MAX + 8), machine.alloc(256))
    file, cache, buffer, name = fs["io"]
    machine.write(name, path.encode() + b"\0")
    return file, cache, buffer, name


def kfs_write(stm: Stm32, fs: dict[str, Any], path: str, data: bytes) -> int:
    file, cache, buffer, name = kfs_io(stm, fs, path)
    r = stm.call("kfs_file_open", fs["fs"], file, name, 0x2 | 0x100 | 0x400, cache)
    if r < 0:
        return r
    stm.machine.write(buffer, data)
    written = stm.call("kfs_file_write", fs["fs"], file, buffer, len(data), limit=50_000_000)
    closed = stm.call("kfs_file_close", fs["fs"], file, limit=50_000_000)
    return written if written < 0 else closed if closed < 0 else written


def kfs_read(stm: Stm32, fs: dict[str, Any], path: str, size: int) -> bytes | int:
    file, cache, buffer, name = kfs_io(stm, fs, path)
    r = stm.call("kfs_file_open", fs["fs"], file, name, 0x1, cache)
    if r < 0:
        return r
    n = stm.call("kfs_file_read", fs["fs"], file, buffer, size + 8, limit=50_000_000)
    stm.call("kfs_file_close", fs["fs"], file)
    return n if n < 0 else stm.machine.read(buffer, n)


@pytest.mark.parametrize("board_id", ["NUCLEO_F401RE", "NUCLEO_F411RE"])
def test_kfs_on_the_16k_sectors_stores_py_files_until_full_and_survives_a_remount(
        flash_fs: Callable[..., Any], driver_elfs: Callable[[str], Any], board_id: str) -> None:
    from kiln.fsimage import read_image

    stm, fs = flash_fs(board_id, cache_size=SMALL_CACHE)
    assert fs["region"] == (1, 3), "sectors 1..3 from __kiln_fs_start/__kiln_fs_end"
    assert stm.call("stm32_flash_bd_init", fs["fbd"], fs["flash"], *fs["region"]) == 0
    assert stm.call("kfs_format", fs["fs"], fs["config"], limit=50_000_000) == 0
    # typical .py files of 0.5..3 KB, written until the filesystem says it is full
    stored: dict[str, bytes] = {}
    sizes = [512, 1024, 1536, 2048, 2560, 3072]
    for index in range(40):
        data = py_source(sizes[index % len(sizes)], index)
        path = f"/mod{index:02d}.py"
        r = kfs_write(stm, fs, path, data)
        if r == -28:  # ENOSPC
            assert stm.call("kfs_remove", fs["fs"], kfs_io(stm, fs, path)[3], limit=50_000_000) in (0, -2)
            break
        assert r == len(data), f"{path}: {r}"
        stored[path] = data
    else:
        raise AssertionError("48 KiB never filled up")
    total = sum(len(d) for d in stored.values())
    print(f"\n{board_id}: /flash (3 x 16 KiB, {SMALL_CACHE} B inline) holds {len(stored)} .py files of 0.5..3 KB, "
          f"{total} bytes")
    # the metadata block (16 KiB) holds the inline files: most of it is usable
    assert total >= 12 * 1024 and len(stored) >= 6
    assert stm.call("kfs_unmount", fs["fs"]) == 0
    assert stm.call("kfs_mount", fs["fs"], fs["config"], limit=50_000_000) == 0
    for path, data in stored.items():
        assert kfs_read(stm, fs, path, len(data)) == data, path
    # the host reader (kiln/fsimage.py) sees the same files in the raw sectors
    raw = bytes(stm["fs_array"].data)
    assert {k: v for k, v in read_image(raw, 0x4000, 3).items() if v is not None} == stored
    interface = stm["flash"]
    assert {op[1] for op in interface.operations if op[0] == "erase"} <= {1, 2, 3}
    assert all(FS_START <= op[1] < FS_END for op in interface.operations if op[0] == "program")
    assert stm.violations() == [], "every program on erased flash, unlocked, with the right PSIZE"
    assert firmware_intact(stm, driver_elfs(board_id)[1]), "sectors 0 and 4..7 unchanged"


def test_fsimage_for_the_16k_sectors_mounts_in_the_firmware(flash_fs: Callable[..., Any], tmp_path: Path) -> None:
    import subprocess
    import sys

    source = tmp_path / "tree"
    (source / "lib").mkdir(parents=True)
    files = {"/main.py": py_source(2900, 1), "/boot.py": py_source(300, 2), "/lib/util.py": py_source(1700, 3),
             "/data.bin": bytes(range(256)) * 40}  # 10 KiB: too big to be inline, goes to the one data block
    for path, data in files.items():
        (source / path.lstrip("/")).write_bytes(data)
    image = tmp_path / "flash.img"
    subprocess.run([sys.executable, "-m", "kiln.fsimage", "build", str(source), str(image), "--block-size", "16384",
                    "--block-count", "3", "--prog-size", "1", "--inline-max", str(SMALL_CACHE)], check=True)
    assert image.stat().st_size == 3 * 16384
    stm, fs = flash_fs("NUCLEO_F401RE", cache_size=SMALL_CACHE)
    stm["fs_array"].data[:] = image.read_bytes()
    assert stm.call("stm32_flash_bd_init", fs["fbd"], fs["flash"], *fs["region"]) == 0
    assert stm.call("kfs_mount", fs["fs"], fs["config"], limit=50_000_000) == 0
    for path, data in files.items():
        assert kfs_read(stm, fs, path, len(data)) == data, path
    assert kfs_write(stm, fs, "/lib/new.py", py_source(800, 4)) == 800, "and it takes new files"
    assert stm.violations() == []


@pytest.mark.parametrize("board_id,carve", [
    ("NUCLEO_F401RE", 3 * SMALL_CACHE),   # 96 KiB of RAM: metadata cache + 2 open files of 4 KiB
    ("NUCLEO_F411RE", 4 * SMALL_CACHE),   # 128 KiB: + 3 open files
    (F7, 4 * 8192),                       # /flash in 256 KiB sectors: 8 KiB caches from 512 KiB of RAM
])
def test_os_layer_carves_the_flash_caches_for_the_sector_size(chip: Callable[..., Stm32], board_id: str,
                                                               carve: int) -> None:
    stm = chip(board_id)
    heap = stm.machine.ram_base + 0x4000
    assert stm.call("stm32_ramdisk_carve", heap, carve * 4) == carve
    assert stm.call("stm32_ramdisk_carve", heap, carve * 4 - 1) == 0, "a small heap keeps all of it: no /flash"


def test_f405_keeps_the_flash_caches_in_ccm(chip: Callable[..., Stm32]) -> None:
    # /flash in 128 KiB sectors with 8 KiB caches: 32 KiB, all in the core-coupled RAM, none from the heap.
    stm = chip("NETDUINO_PLUS_2")
    heap = stm.machine.ram_base + 0x4000
    assert stm.call("stm32_ramdisk_carve", heap, 64 * 1024) == 0
    assert stm.call("stm32_ramdisk_carve", heap, 8 * 1024) == 0, "even a small heap keeps /flash"


def test_split_boards_link_nothing_into_the_filesystem_sectors(built: Callable[[str], Board]) -> None:
    import json

    from elftools.elf.constants import SH_FLAGS
    from elftools.elf.elffile import ELFFile

    from kiln.build import build_dir, image_path

    for board_id in SPLIT:
        board = built(board_id)
        assert board.filesystem_range == (FS_START, FS_END)
        elf = image_path(board, "elf")
        with elf.open("rb") as f:
            image = ELFFile(f)
            sections = {s.name: (s["sh_addr"], s["sh_size"]) for s in image.iter_sections()
                        if s["sh_flags"] & SH_FLAGS.SHF_ALLOC and s["sh_size"]}
            loads = [(g["p_paddr"], g["p_filesz"]) for g in image.iter_segments() if g["p_type"] == "PT_LOAD"]
        for name, (address, size) in sections.items():
            assert address + size <= FS_START or address >= FS_END, f"{board_id}: {name} in /flash"
        for address, size in loads:
            assert address + size <= FS_START or address >= FS_END, f"{board_id}: load at 0x{address:08x}"
        assert sections[".isr_vector"][0] == 0x08000000 and sections[".text"][0] == FS_END
        assert elf_symbols(elf, {"__kiln_fs_start", "__kiln_fs_end"}) == {"__kiln_fs_start": FS_START,
                                                                           "__kiln_fs_end": FS_END}
        # the size report counts the two parts separately: FLASH is what the code may grow into
        size = json.loads((build_dir(board) / "size.json").read_text())
        regions = {r["name"]: r for r in size["regions"]}
        assert regions["FLASH_HEAD"]["length"] == FS_START - 0x08000000
        assert regions["FLASH"]["length"] == 0x08080000 - FS_END
        end = max(a + n for a, n in loads if a >= FS_END)
        assert regions["FLASH"]["used"] == end - FS_END


def test_split_images_skip_the_filesystem_sectors(built: Callable[[str], Board]) -> None:
    import subprocess

    from intelhex import IntelHex

    from kiln.build import image_path
    from kiln.flash.image import load_image
    from kiln.images.dfuse import read_dfuse

    for board_id in ("NUCLEO_F401RE", "WEACT_F411_BLACKPILL"):
        board = built(board_id)
        elf = load_image(image_path(board, "elf"))
        flat = elf.flat()  # as linked, from 0x08000000 (the image has no RAM-only segments with contents)
        head_end = max(s.end for s in elf.segments if s.address < FS_START)
        assert elf.start == 0x08000000 and head_end <= FS_START
        head = flat[: head_end - 0x08000000]  # the vector table and .text_head in sector 0
        code = flat[FS_END - 0x08000000 :]  # everything from sector 4 on
        expected = [(0x08000000, head), (FS_END, code)]
        hex_file = IntelHex(str(image_path(board, "hex")))
        assert [(a, hex_file.tobinstr(a, b - 1)) for a, b in hex_file.segments()] == expected
        dfu = read_dfuse(image_path(board, "dfu").read_bytes())
        assert [(e.address, e.data) for e in dfu.targets[0][1]] == expected
        check = subprocess.run(["dfu-suffix", "--check", str(image_path(board, "dfu"))], capture_output=True,
                               text=True)
        assert check.returncode == 0 and "Vendor ID:\t0x0483" in check.stdout, check.stdout + check.stderr
        # the .bin is one file from 0x08000000: the gap is erased-flash fill (writing it erases /flash)
        binary = image_path(board, "bin").read_bytes()
        assert binary[: len(head)] == head
        assert binary[len(head) : FS_END - 0x08000000] == b"\xff" * (FS_END - 0x08000000 - len(head))
        assert binary[FS_END - 0x08000000 :] == code


def test_split_firmware_too_big_fails_to_link(built: Callable[[str], Board], tmp_path: Path) -> None:
    from kiln.render import context, render

    board = built("NUCLEO_F401RE")
    ctx = context(board)
    # the same part with 256 KiB of flash: 192 KiB after /flash, less than this firmware needs
    ctx["regions"] = [{**r, "length": 0x40000} if r["name"] == "FLASH" else r for r in ctx["regions"]]
    template = Path(__file__).resolve().parents[1] / "templates" / "stm32" / "linker.ld.j2"
    script = tmp_path / "small.ld"
    script.write_text(render(template, ctx))
    assert "FLASH_HEAD (rx) : ORIGIN = 0x08000000, LENGTH = 0x00004000" in script.read_text()
    with pytest.raises(RuntimeError, match="region `FLASH' overflowed"):
        link_driver_elf(board, tmp_path / "small.elf", script)


# ---- /flash's place in flash: from the MCU file, reserved by the linker ----------------------------------

def sector_starts(flash_size: int, unit: int) -> list[int]:
    """RM0090/RM0368/RM0410 sector maps: four sectors of one unit, one of four, then eight units each."""
    starts, offset, index = [], 0, 0
    while offset < flash_size:
        starts.append(offset)
        offset += unit if index < 4 else 4 * unit if index == 4 else 8 * unit
        index += 1
    return starts


def elf_symbols(path: Path, names: set[str]) -> dict[str, int]:
    from elftools.elf.elffile import ELFFile

    with path.open("rb") as f:
        table = ELFFile(f).get_section_by_name(".symtab")
        return {sym.name: sym["st_value"] for sym in table.iter_symbols() if sym.name in names}


def flash_extent(path: Path) -> int:
    """End of everything the image puts in flash (sections' load addresses)."""
    from elftools.elf.elffile import ELFFile

    with path.open("rb") as f:
        return max(seg["p_paddr"] + seg["p_filesz"] for seg in ELFFile(f).iter_segments()
                   if seg["p_type"] == "PT_LOAD" and seg["p_filesz"] and 0x08000000 <= seg["p_paddr"] < 0x10000000)


@pytest.mark.parametrize("board_id,emulator", [("NUCLEO_F767ZI", False), (F4, True)])
def test_flash_filesystem_region_is_kept_from_the_firmware(built: Callable[[str], Board], board_id: str,
                                                           emulator: bool) -> None:
    import tomllib

    from kiln.build import image_path

    board = built(board_id)
    mcu = tomllib.loads(board.mcu_path.read_text())
    fs = mcu["filesystem"]
    flash = mcu["memory"]["FLASH"]
    size = {"K": 1024, "M": 1024 * 1024}[fs["size"][-1]] * int(fs["size"][:-1])
    flash_size = {"K": 1024, "M": 1024 * 1024}[flash["length"][-1]] * int(flash["length"][:-1])
    unit = 0x8000 if board_id == F7 else 0x4000
    assert fs["offset"] in sector_starts(flash_size, unit) and fs["offset"] + size <= flash_size
    elf = image_path(board, "elf")
    symbols = elf_symbols(elf, {"__kiln_fs_start", "__kiln_fs_end", "kfs_rambd_init", "stm32_flash_bd_init"})
    assert symbols["__kiln_fs_start"] == flash["origin"] + fs["offset"]
    assert symbols["__kiln_fs_end"] == flash["origin"] + fs["offset"] + size
    assert flash_extent(elf) <= symbols["__kiln_fs_start"], "the image stays below /flash"
    # the block device a build carries: flash always; the RAM disk only where the board also runs in QEMU
    assert "stm32_flash_bd_init" in symbols
    assert ("kfs_rambd_init" in symbols) == emulator


def test_firmware_growing_into_the_filesystem_fails_to_link(built: Callable[[str], Board], tmp_path: Path) -> None:
    from kiln.render import context, render

    board = built("NUCLEO_F401RE")
    ctx = context(board)
    ctx["mcu"] = {**board.mcu, "filesystem": {"offset": 0x20000, "size": "384K"}}  # 128 KiB left: too small
    template = Path(__file__).resolve().parents[1] / "templates" / "stm32" / "linker.ld.j2"
    script = tmp_path / "small.ld"
    script.write_text(render(template, ctx))
    with pytest.raises(RuntimeError, match="the firmware runs into the /flash sectors"):
        link_driver_elf(board, tmp_path / "small.elf", script)
    ctx["mcu"] = {**board.mcu, "filesystem": {"offset": 0x60000, "size": "256K"}}  # ends past the 512 KiB
    script.write_text(render(template, ctx))
    with pytest.raises(RuntimeError, match="ends past the end of flash"):
        link_driver_elf(board, tmp_path / "past.elf", script)


@pytest.mark.parametrize("board_id,console,console_irq", [(F4, (0x24, 4), 37), (F7, (0x20, 18), 39)])
def test_soft_reset_releases_everything_but_the_console(chip: Callable[..., Stm32], board_id: str,
                                                        console: tuple[int, int], console_irq: int) -> None:
    stm = chip(board_id)
    assert uart_init(stm, 2)[0] == 0
    timer = stm.machine.alloc(TIMER.size)
    assert stm.call("stm32_timer_start", timer, 3, 1, 100, stm.machine.stub(), 0, 9) == 0
    assert stm.call("stm32_exti_attach", pin("B1"), 1, stm.machine.stub(), 0, 9) == 0
    assert {29, 38, 7} <= stm["scs"].enabled
    stm.machine.bus.clear_log()
    stm.call("stm32_drivers_soft_reset")
    assert stm["scs"].enabled == {console_irq}, "every driver interrupt detached, the console's kept"
    assert stm["exti"][0x00] & 0xFFFF == 0
    rcc = stm["rcc"]
    assert rcc.pulses.get((0x20, 17)) and rcc.pulses.get((0x20, 1)), "USART2 and TIM3 reset"
    assert rcc.pulses.get((0x24, 8)) and rcc.pulses.get((0x20, 21)), "ADC and I2C1 reset"
    assert not rcc.pulses.get(console), "the console USART keeps running"
    assert rcc[0x20] == 0 and rcc[0x24] == 0, "released from reset"
    # the table is free again: the same interrupts can be taken by new owners
    assert uart_init(stm, 2)[0] == 0
