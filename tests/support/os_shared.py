"""One check of the shared `_os`/os.py layer (core/mod_os_kfs.c, core/frozen/os.py) for every port with a kfs
volume at /flash: uname names the port, board and MCU of the board file; ilistdir gives (name, type, inode,
size) with the sizes written (type as CPython's stat.S_IFREG); a bad whence and a closed file raise
ValueError; rmdir removes the directory."""

from __future__ import annotations

import stat
from collections.abc import Callable

from kiln.boards import Board, load_board

CODE = ("import os, sys\n"
        "u = os.uname()\n"
        "print(u[0], u[0] == sys.platform, u[4])\n"
        "os.mkdir('/flash/ls')\n"
        "with open('/flash/ls/a.bin', 'wb') as f:\n"
        "    f.write(bytes(777))\n"
        "with open('/flash/ls/b.txt', 'w') as f:\n"
        "    f.write('x' * 40)\n"
        "print(sorted(os.ilistdir('/flash/ls')))\n"
        "f = open('/flash/ls/a.bin', 'rb')\n"
        "try:\n"
        "    f.seek(0, 3)\n"
        "except ValueError as e:\n"
        "    print('ValueError', e)\n"
        "f.close()\n"
        "try:\n"
        "    f.tell()\n"
        "except ValueError as e:\n"
        "    print('ValueError', e)\n"
        "os.remove('/flash/ls/a.bin'); os.remove('/flash/ls/b.txt'); os.rmdir('/flash/ls')\n"
        "print(os.listdir('/flash/ls') if 'ls' in os.listdir('/flash') else 'gone')\n")


def expected(board: Board) -> list[str]:
    """The lines CODE prints on `board` (from its board and MCU files, and CPython's stat constants)."""
    return [f"{board.port} True {board.data['product']} with {board.mcu['name']}",
            repr([("a.bin", stat.S_IFREG, 0, 777), ("b.txt", stat.S_IFREG, 0, 40)]),
            "ValueError invalid whence: 3", "ValueError I/O operation on closed file", "gone"]


def assert_os_shared(run: Callable[[str], list[str]], board_id: str) -> None:
    """Runs CODE through `run` (code -> printed lines) on the board `board_id` and checks every line."""
    assert run(CODE) == expected(load_board(board_id))
