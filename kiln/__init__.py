"""Kiln: build, flash and emulate a small Python for microcontrollers."""

__version__ = "0.1.0"
