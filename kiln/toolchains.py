"""Compilers per CPU core, found on PATH (or where KILN_<NAME>_TOOLCHAIN points)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Toolchain:
    """How to compile for one core: the tool prefix and the CPU/ABI flags.

    `cpu_flags` describe the core exactly (the firmware links with them). `core_flags`, when set, is the
    instruction set the objects are compiled for instead: a subset the core runs unchanged that another core's
    boards use too, so the shared object cache serves those objects to both. None means `cpu_flags`."""

    name: str
    prefix: str
    cpu_flags: tuple[str, ...]
    env_var: str
    install_hint: str
    embedded: bool = True
    core_flags: tuple[str, ...] | None = None

    @property
    def portable_flags(self) -> tuple[str, ...]:
        """The CPU/ABI flags of the portable objects (see the class comment)."""
        return self.core_flags if self.core_flags is not None else self.cpu_flags

    def bin_dir(self) -> str | None:
        """Directory holding `<prefix>gcc`, or None when it cannot be found."""
        override = os.environ.get(self.env_var)
        if override:
            return override if os.path.exists(os.path.join(override, self.prefix + "gcc")) else None
        found = shutil.which(self.prefix + "gcc")
        return os.path.dirname(found) if found else None

    def tool(self, name: str) -> str:
        directory = self.bin_dir()
        return os.path.join(directory, self.prefix + name) if directory else self.prefix + name

    def missing_message(self, board: str) -> str:
        return (
            f"error: cannot build {board}: the {self.name} toolchain ({self.prefix}gcc) was not found.\n"
            f"  {self.install_hint}\n"
            f"  Or point Kiln at one: {self.env_var}=/path/to/toolchain/bin (the directory holding {self.prefix}gcc)."
        )


_ARM = "Install it with: apt-get install gcc-arm-none-eabi picolibc-arm-none-eabi (./kilnw setup does this)."
_XTENSA = (
    "Debian, PyPI and npm ship no Xtensa ESP32 compiler; install Espressif's crosstool-NG build "
    "(xtensa-esp-elf) yourself."
)

# ARMv7E-M with the single-precision FPU and the hard-float ABI. The Cortex-M7F runs this code unchanged
# (same Thumb-2 DSP instructions, its FPv5 is a superset of FPv4-SP, the same argument registers), and Kiln's
# floats are single precision on MCUs, so the M7's double-precision unit would buy little. What the M7 parts do
# differently (caches, flash accelerator) is register programming in the port (ports/stm32/series/f7/).
_CORTEX_M4F = ("-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16")

TOOLCHAINS: dict[str, Toolchain] = {
    "cortex-m0plus": Toolchain("Arm", "arm-none-eabi-", ("-mcpu=cortex-m0plus", "-mthumb"), "KILN_ARM_TOOLCHAIN", _ARM),
    "cortex-m3": Toolchain("Arm", "arm-none-eabi-", ("-mcpu=cortex-m3", "-mthumb"), "KILN_ARM_TOOLCHAIN", _ARM),
    "cortex-m4f": Toolchain("Arm", "arm-none-eabi-", _CORTEX_M4F, "KILN_ARM_TOOLCHAIN", _ARM),
    # Its objects are the Cortex-M4F ones (see _CORTEX_M4F); the link uses the M7's flags (its C library variant).
    "cortex-m7f": Toolchain(
        "Arm", "arm-none-eabi-",
        ("-mcpu=cortex-m7", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-d16"), "KILN_ARM_TOOLCHAIN", _ARM,
        core_flags=_CORTEX_M4F,
    ),
    "rv32imc": Toolchain(
        "RISC-V", "riscv64-unknown-elf-",
        # There is no rv32imc_zicsr multilib on Debian: ISA spec 2.2 keeps CSR instructions in the base.
        ("-misa-spec=2.2", "-march=rv32imc", "-mabi=ilp32"), "KILN_RISCV_TOOLCHAIN",
        "Install it with: apt-get install gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf (./kilnw setup does this).",
    ),
    "xtensa-lx6": Toolchain("Xtensa ESP32", "xtensa-esp32-elf-", ("-mlongcalls",), "KILN_XTENSA_TOOLCHAIN", _XTENSA),
    "xtensa-lx7": Toolchain("Xtensa ESP32-S3", "xtensa-esp32s3-elf-", ("-mlongcalls",), "KILN_XTENSA_TOOLCHAIN", _XTENSA),
    "host": Toolchain("host", "", (), "KILN_HOST_TOOLCHAIN", "Install it with: apt-get install gcc.", embedded=False),
}


def for_core(core: str) -> Toolchain:
    return TOOLCHAINS[core]
