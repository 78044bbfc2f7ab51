"""`kiln flash` and `kiln devices`."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from kiln.boards import DEFAULT_BOARD, ROOT, load_board
from kiln.devices import Device, Discovery, Registry, matches
from kiln.flash import fleet
from kiln.flash.base import Context, FlashError, ImageRejected
from kiln.flash.bootloader import EntryTimings, enter_bootloader
from kiln.flash.image import ImageError
from kiln.flash.select import METHODS, SelectionError, choose_method, load
from kiln.flash.target import Target


def _int(text: str) -> int:
    return int(text, 0)


def register(sub: Any) -> None:
    p = sub.add_parser("flash", help="flash a board's firmware (one device, a list, or --all in parallel)",
                       description="Flash the board's build output (or --image) with the board's first flash method "
                                   "(or --method). Running boards are put into their bootloader first.")
    p.add_argument("--board", "-b", default=os.environ.get("KILN_BOARD", DEFAULT_BOARD))
    p.add_argument("--variant", default="")
    p.add_argument("--method", "-m", choices=sorted(METHODS), help="default: the board's first method")
    p.add_argument("--image", "-i", type=Path, help="image file (.uf2 .dfu .hex .elf .bin); default: the build output")
    p.add_argument("--address", type=_int, help="where a .bin goes (default: the board's application address)")
    p.add_argument("--device", "-d", action="append", help="device id (see `kiln devices`); repeat or comma-separate")
    p.add_argument("--all", action="store_true", help="every attached device of this board's chip family")
    p.add_argument("--erase", choices=("sector", "chip"), default="sector")
    p.add_argument("--no-verify", dest="verify", action="store_false")
    p.add_argument("--no-reset", dest="reset", action="store_false", help="stay in the bootloader when done")
    p.add_argument("--no-enter", dest="enter", action="store_false",
                   help="do not try to get a running board into its bootloader")
    p.add_argument("--entry-timeout", type=float, default=10.0, help="seconds to wait for the bootloader to appear")
    p.add_argument("--log-dir", type=Path, help="one log per device here (default: build/flash-logs/<time>)")
    for name, cls in sorted(METHODS.items()):
        cls.add_arguments(p.add_argument_group(f"{name}: {cls.help}"))
    p.set_defaults(func=cmd_flash)

    p = sub.add_parser("devices", help="attached boards in every mode (app, UF2, PICOBOOT, DfuSe, probes)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--probes", action="store_true", help="also ask pyOCD for debug probes (slower)")
    p.set_defaults(func=cmd_devices)


# -- devices --------------------------------------------------------------------------------------------


def pyocd_probes() -> list[Any]:
    from kiln.devices import Endpoint

    try:
        from pyocd.core.helpers import ConnectHelper

        probes = ConnectHelper.get_all_connected_probes(blocking=False)
    except Exception:  # noqa: BLE001 - pyOCD missing its USB backends is "no probes"
        return []
    return [Endpoint("probe", f"probe:{p.unique_id}", p.unique_id, None, None, None, "", p.description) for p in probes]


def cmd_devices(args: argparse.Namespace, discovery: Discovery | None = None, out: Any = None) -> int:
    discovery = discovery or Discovery(probes=pyocd_probes if args.probes else None)
    devices = discovery.devices(Registry.load())
    if args.json:
        payload = [{"id": d.id, "family": d.family, "modes": d.modes,
                    "endpoints": [e.__dict__ for e in d.endpoints]} for d in devices]
        print(json.dumps(payload, indent=2), file=out or sys.stdout)
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(devices)} device{'s' if len(devices) != 1 else ''} attached")
    for column in ("ID", "Family", "Mode", "Location", "USB", "Description"):
        table.add_column(column)
    for device in devices:
        for i, ep in enumerate(device.endpoints):
            usb = f"{ep.vid:04x}:{ep.pid:04x}" if ep.vid is not None and ep.pid is not None else "-"
            table.add_row(device.id if i == 0 else "", (device.family or "?") if i == 0 else "", ep.mode, ep.location,
                          usb + (f" @{ep.usb_path}" if ep.usb_path else ""), ep.description)
    Console(file=out, width=160).print(table)
    return 0


# -- flash ----------------------------------------------------------------------------------------------


def cmd_flash(args: argparse.Namespace) -> int:
    return run_flash(args, Discovery())


def _family_matches(device: Device, target: Target) -> bool:
    family = device.family
    return bool(family) and (target.family.startswith(family) or family.startswith(target.family))


def run_flash(args: argparse.Namespace, discovery: Discovery, registry: Registry | None = None,
              console: Any = None) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    console = console or Console(stderr=True)
    registry = registry or Registry.load()
    try:
        board = load_board(args.board, args.variant)
        target = Target.from_board(board)
        wanted: list[str | None]
        if args.all:
            devices = [d for d in discovery.devices(registry) if _family_matches(d, target)]
            if not devices:
                raise SelectionError(f"--all: no attached device of the {target.mcu}'s family ({target.family}); "
                                     "see `kiln devices`")
            wanted = [d.id for d in devices]
        elif args.device:
            wanted = [d for item in args.device for d in item.split(",") if d]
        else:
            wanted = [None]
        all_devices = discovery.devices(registry)
        jobs: list[fleet.Job] = []
        results: list[fleet.Result] = []
        cancel = threading.Event()
        log_dir = args.log_dir or (ROOT / "build" / "flash-logs" / time.strftime("%Y%m%d-%H%M%S"))
        images: dict[str, Any] = {}
        progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                            TimeRemainingColumn(), console=console, transient=False)
        for device_id in wanted:
            device = next((d for d in all_devices if device_id is not None and any(matches(e, device_id, registry)
                                                                                    for e in d.endpoints)), None)
            method = choose_method(board, args.method, device)
            cls = METHODS[method]
            label = device_id or "device"
            log, log_path = fleet.job_logger(label, log_dir)
            task = progress.add_task(f"{label} {method}", total=None)

            def report(phase: str, done: int, total: int, task: Any = task, label: str = label, method: str = method) -> None:
                progress.update(task, description=f"{label} {method} {phase}", completed=done, total=total or None)

            ctx = Context(target, log=log, progress=report, cancel=cancel, discovery=discovery)
            flasher = cls(ctx, **cls.options_from_args(args))
            if method not in images:
                images[method] = flasher.check(load(board, cls, target, args.image, args.address))
            before = None
            if args.enter:
                def before(method: str = method, device_id: str | None = device_id, log: Any = log) -> None:
                    enter_bootloader(method, target, device_id, discovery, registry, log,
                                     EntryTimings(appear_timeout=args.entry_timeout))
            jobs.append(fleet.Job(label, device_id, method, flasher, images[method], before))
            results.append(fleet.Result(jobs[-1], log_path=log_path))
    except (SelectionError, ImageRejected, ImageError, FlashError) as exc:
        console.print(f"[red]kiln flash:[/] {exc}", highlight=False, soft_wrap=True)
        return 2

    def interrupted() -> None:
        console.print("[yellow]Ctrl-C: stopping each flash at its next safe point (Ctrl-C again to abort)...[/]")

    with progress:
        fleet.run_jobs(jobs, results, cancel, verify=args.verify, reset=args.reset, erase=args.erase,
                       on_interrupt=interrupted)
    console.print(fleet.summary_table(results))
    failed = [r for r in results if r.status != "ok"]
    for r in failed:
        console.print(f"[red]{r.job.label}: {r.status}[/]: {r.error}" + (f"\n  device state: {r.state}" if r.state else ""),
                      highlight=False, soft_wrap=True)
    if any(r.status == "interrupted" for r in results):
        return 130
    if failed:
        console.print(f"[red]kiln flash: {len(failed)} of {len(results)} failed: "
                      f"{', '.join(r.job.label for r in failed)}[/]", highlight=False, soft_wrap=True)
        return 1
    return 0
