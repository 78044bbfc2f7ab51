#!/usr/bin/env python3
"""native_mcu.py: bytecode vs @micropython.native vs @micropython.viper in the MCU emulators, counted in
instructions or cycles rather than host wall time.

Usage: bench/native_mcu.py [--boards NETDUINO_PLUS_2,RPI_PICO,ESP32_GENERIC_C3] [--scale N]

The kernels are bench/native.py's; each board runs them through its raw REPL and times them with
time.ticks_us(), whose clock is made to count work instead of host time:
  NETDUINO_PLUS_2  QEMU with -icount shift=0: virtual time advances 1 ns per instruction executed,
                   and SysTick (ticks_us) runs on virtual time, so instructions = us * 1000.
                   (QEMU 7.2 does not model DWT_CYCCNT: the cycle counter reads 0.)
  RPI_PICO         rp2040js: simulated time advances 8 ns per cycle of its Cortex-M0+ timing model,
                   so cycles = us * 125.
  ESP32_GENERIC_C3 unicorn with an instruction-counting hook that drives the SYSTIMER model (16 MHz
                   ticks derived from the count at a nominal 160 MHz, one instruction per cycle),
                   so instructions = us * 160.
Boards must be built first (python -m kiln build --board X). Prints counts and the bytecode/native and
bytecode/viper ratios; the results of the three variants must agree.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from kiln.boards import load_board  # noqa: E402
from kiln.build import image_path  # noqa: E402
from kiln.repl_client import ReplClient  # noqa: E402

spec = importlib.util.spec_from_file_location("bench_native", HERE / "native.py")
assert spec is not None and spec.loader is not None
bench_native = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_native)

UNITS = {"NETDUINO_PLUS_2": ("instructions", 1000), "RPI_PICO": ("cycles", 125), "ESP32_GENERIC_C3": ("instructions", 160)}


@contextlib.contextmanager
def console(board_id: str) -> Iterator[str]:
    board = load_board(board_id)
    if board_id == "NETDUINO_PLUS_2":
        from kiln.emulators.qemu_stm32 import QemuStm32

        with QemuStm32(image_path(board, "elf"), "pty", attach=False, uart=board.data["repl"]["uart"],
                       extra_args=["-icount", "shift=0"]) as qemu:
            assert qemu.pty_path is not None
            qemu.resume()
            yield qemu.pty_path
    elif board_id == "RPI_PICO":
        from kiln.emulators.rp2040 import Rp2040Emulator

        with Rp2040Emulator(image_path(board, "uf2"), mode="pty") as rp2:
            assert rp2.pty_path is not None
            yield rp2.pty_path
    elif board_id == "ESP32_GENERIC_C3":
        from unicorn import UC_HOOK_CODE

        from kiln.emulators import esp32c3

        class Counting(esp32c3.Esp32c3Emulator):
            """SYSTIMER counts executed instructions (160 per microsecond) instead of host time."""

            executed = 0
            hooked: Any = None

            def _slice(self, uc: Any, pc: int) -> None:
                if self.hooked is not uc:
                    self.hooked = uc
                    uc.hook_add(UC_HOOK_CODE, self._count)
                super()._slice(uc, pc)

            def _count(self, uc: Any, address: int, size: int, data: Any) -> None:
                self.executed += 1

            def _systimer_now(self) -> int:
                return self.executed * esp32c3.SYSTIMER_HZ // 160_000_000

        with Counting(image_path(board, "merged"), mode="pty") as esp:
            assert esp.pty_path is not None
            yield esp.pty_path
    else:
        raise SystemExit(f"no counting emulator for {board_id}")


def measure(board_id: str, scale: int) -> list[tuple[str, dict[str, int], bool]]:
    rows = []
    with console(board_id) as port, ReplClient(port, timeout=600) as client:
        client.enter_raw(soft_reset=True)
        out, err = client.exec_raw(bench_native.program(scale, 1).encode(), timeout=600)
        if err.strip():
            raise SystemExit(f"{board_id}: {err.decode(errors='replace')}")
        for line in out.decode().replace("\r\n", "\n").splitlines():
            name, *fields = line.split()
            times, results = {}, set()
            for f in fields:
                v, rest = f.split("=")
                t, r = rest.split(":")
                times[v] = int(t)
                results.add(r)
            rows.append((name, times, len(results) == 1))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--boards", default=",".join(UNITS))
    ap.add_argument("--scale", type=int, default=2000, help="loop iterations per kernel")
    args = ap.parse_args()
    bad = False
    for board_id in args.boards.split(","):
        unit, per_us = UNITS[board_id]
        print(f"{board_id} ({unit}, scale {args.scale})")
        print(f"  {'kernel':<8} {'bytecode':>12} {'native':>12} {'viper':>12} {'bc/native':>10} {'bc/viper':>9}")
        for name, t, same in measure(board_id, args.scale):
            bad = bad or not same
            c = {k: v * per_us for k, v in t.items()}
            print(f"  {name:<8} {c['bytecode']:12d} {c['native']:12d} {c['viper']:12d} "
                  f"{c['bytecode'] / max(c['native'], 1):10.2f} {c['bytecode'] / max(c['viper'], 1):9.2f}"
                  f"{'' if same else '  RESULTS DIFFER'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
