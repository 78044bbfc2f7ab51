"""Flashing several devices at once: one thread and one log file per device, rich progress bars, a
summary table, Ctrl-C that stops every flash at its next safe point, and an exit status naming failures."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiln.flash.base import Flasher, FlashError, FlashInterrupted, Report
from kiln.flash.image import Image


@dataclass
class Job:
    label: str                      # device id, or "default" when there is only the one device
    device: str | None
    method: str
    flasher: Flasher
    image: Image
    before: Callable[[], None] | None = None   # e.g. get the device into its bootloader


@dataclass
class Result:
    job: Job
    status: str = "pending"         # ok | failed | interrupted
    report: Report | None = None
    error: str = ""
    state: str = ""
    seconds: float = 0.0
    log_path: Path | None = None
    notes: list[str] = field(default_factory=list)


def job_logger(label: str, log_dir: Path | None) -> tuple[logging.Logger, Path | None]:
    """A logger for one device, writing to `log_dir/<label>.log` when a directory is given."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", label)
    logger = logging.getLogger(f"kiln.flash.{safe}.{id(object())}")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    path = None
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / f"{safe}.log"
        handler = logging.FileHandler(path, mode="w", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
    return logger, path


def run_job(job: Job, result: Result, *, verify: bool, reset: bool, erase: str) -> None:
    started = time.monotonic()
    log = job.flasher.log
    try:
        if job.before is not None:
            job.before()
        log.info("flashing %s with %s (%d bytes)", job.label, job.method, job.image.size)
        result.report = job.flasher.flash(job.image, verify=verify, reset=reset, erase=erase, device=job.device)
        result.status = "ok"
        result.notes = result.report.notes
        log.info("done in %.1f s: %s", time.monotonic() - started, "; ".join(result.report.notes))
    except FlashInterrupted as exc:
        result.status, result.error, result.state = "interrupted", str(exc).split("\n")[0], exc.state
        log.error("interrupted: %s", exc)
    except FlashError as exc:
        result.status, result.error, result.state = "failed", str(exc).split("\n")[0], exc.state
        log.error("failed: %s", exc)
    except Exception as exc:  # noqa: BLE001 - one device's bug must not take the others down
        result.status, result.error = "failed", f"{type(exc).__name__}: {exc}"
        log.exception("unexpected error")
    finally:
        result.seconds = time.monotonic() - started
        for handler in log.handlers:
            handler.flush()


def run_jobs(jobs: list[Job], results: list[Result], cancel: threading.Event, *, verify: bool = True,
             reset: bool = True, erase: str = "sector", on_interrupt: Callable[[], None] | None = None) -> None:
    """Runs every job in its own thread; Ctrl-C sets `cancel` so each stops at its next safe point."""
    threads = [threading.Thread(target=run_job, args=(job, result), kwargs={"verify": verify, "reset": reset,
                                                                            "erase": erase},
                                name=f"flash {job.label}", daemon=True) for job, result in zip(jobs, results, strict=True)]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        try:
            for thread in threads:
                thread.join(0.1)
        except KeyboardInterrupt:
            if cancel.is_set():
                raise
            cancel.set()
            if on_interrupt is not None:
                on_interrupt()


def summary_table(results: list[Result]) -> Any:
    from rich.table import Table

    table = Table(title="kiln flash")
    for column in ("Device", "Method", "Result", "Time", "Details", "Log"):
        table.add_column(column)
    colours = {"ok": "green", "failed": "red", "interrupted": "yellow"}
    for r in results:
        if r.status == "ok" and r.report is not None:
            details = "; ".join([f"chip {r.report.device}", *r.notes, "verified" if r.report.verified else "not verified"])
        else:
            details = r.error + (f" — {r.state}" if r.state else "")
        table.add_row(r.job.label, r.job.method, f"[{colours.get(r.status, 'white')}]{r.status}[/]", f"{r.seconds:.1f} s",
                      details, str(r.log_path or "-"))
    return table
