"""Image formats Kiln writes and checks: UF2, DfuSe, Intel HEX, RP2 boot2, ESP images."""
