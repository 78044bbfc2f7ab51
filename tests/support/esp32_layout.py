"""The ESP32 ports' default flash layout as the tests see it: the partition table every ESP32 board ships."""

from __future__ import annotations

from pathlib import Path

from kiln.images import esp_partitions

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TABLE = ROOT / "ports" / "esp32" / "partitions" / "default.csv"


def vfs_partition(flash_size: int = 4 * 1024 * 1024) -> esp_partitions.Partition:
    """The `vfs` partition of the default table (where /flash lives) on a part with `flash_size` bytes."""
    parts = esp_partitions.parse_csv(DEFAULT_TABLE.read_text(), str(DEFAULT_TABLE), flash_size)
    return next(p for p in parts if p.name == "vfs")
