"""The raw-REPL plumbing every emulated-board machine test uses: a client that starts each test from a
soft reset, and running code to get its output lines (stderr must stay empty)."""

from __future__ import annotations

from collections.abc import Iterator

from kiln.repl_client import ReplClient


def fresh_repl(port: str | None, timeout: float = 30) -> Iterator[ReplClient]:
    """For a pytest fixture: the raw REPL after a soft reset (fresh heap, peripherals back to reset; files
    on /flash survive)."""
    assert port is not None
    client = ReplClient(port, timeout=timeout).open()
    client.enter_raw(soft_reset=True)
    try:
        yield client
    finally:
        client.close()


def run_lines(repl: ReplClient, code: str, timeout: float = 30) -> list[str]:
    """Runs code on the board; its output lines (without the line ends)."""
    out, err = repl.exec_raw(code, timeout=timeout)
    assert not err, err.decode(errors="replace")
    return out.decode().split("\r\n")[:-1]
