"""Getting a running board into its bootloader without touching buttons.

First `machine.bootloader()` through the raw REPL (works on every port whose firmware runs), then, for
RP2040 USB CDC, the 1200-baud touch (open at 1200 baud, drop DTR). ESP chips are reset into the ROM
loader by esptool itself (DTR/RTS, `--before`), and debug probes need no cooperation. After the switch,
the bootloader endpoint is accepted only if it is the same physical board: same USB serial (our
firmware reports the chip id the bootloaders use) or, failing that, the same USB port path; the pairing
is remembered in the device registry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiln.devices import Discovery, Endpoint, Registry, endpoint_key, identity, matches, normalize_serial, wait_for
from kiln.flash.base import DeviceNotFound
from kiln.flash.select import MODE_OF_METHOD
from kiln.flash.target import Target
from kiln.repl_client import ReplClient, ReplError

BOOTLOADER_MODES = ("uf2", "picoboot", "dfu")


@dataclass
class EntryTimings:
    repl_timeout: float = 3.0      # to get the raw REPL prompt
    appear_timeout: float = 10.0   # for the bootloader to show up after the switch
    touch_hold: float = 0.05       # seconds the port stays open at 1200 baud


def _family_matches(ep: Endpoint, target: Target) -> bool:
    return bool(ep.family) and (target.family.startswith(ep.family) or ep.family.startswith(target.family))


def bootloader_endpoint(discovery: Discovery, mode: str, device: str | None, registry: Registry,
                        app: Endpoint | None = None) -> Endpoint | None:
    candidates = [e for e in discovery.endpoints() if e.mode == mode]
    if device is not None:
        same = [e for e in candidates if matches(e, device, registry)]
        if not same and app is not None and app.usb_path:
            same = [e for e in candidates if e.usb_path == app.usb_path]
        return same[0] if len(same) == 1 else None
    return candidates[0] if len(candidates) == 1 else None


def touch_1200(port: str, hold: float = 0.05) -> None:
    """Opens the port at 1200 baud and drops DTR: the RP2040 USB stack's request to reboot into BOOTSEL."""
    import time

    import serial

    link = serial.serial_for_url(port, 1200)
    try:
        link.dtr = True
        time.sleep(hold)
        link.dtr = False
        time.sleep(hold)
    finally:
        link.close()


def enter_bootloader(method: str, target: Target, device: str | None, discovery: Discovery, registry: Registry,
                     log: logging.Logger, timings: EntryTimings | None = None) -> Endpoint | None:
    """Makes sure the device `device` is in the bootloader `method` needs; returns that endpoint."""
    timings = timings or EntryTimings()
    mode = MODE_OF_METHOD[method]
    if mode not in BOOTLOADER_MODES:
        return None
    present = bootloader_endpoint(discovery, mode, device, registry)
    if present is not None:
        return present
    apps = [e for e in discovery.endpoints() if e.mode in ("app", "serial")]
    if device is not None:
        apps = [e for e in apps if matches(e, device, registry)]
    else:
        apps = [e for e in apps if _family_matches(e, target)] or apps
    if len(apps) != 1:
        which = f" {device}" if device else ""
        raise DeviceNotFound(f"the board{which} is neither in its {mode} bootloader nor running with a serial port "
                             f"Kiln can use ({len(apps)} candidates); put it in the bootloader by hand "
                             "(BOOTSEL / BOOT0 + reset) or pass --device")
    app = apps[0]
    ways = ["repl"] + (["touch1200"] if method in ("uf2", "picoboot") else [])
    for way in ways:
        try:
            if way == "repl":
                log.info("asking %s for machine.bootloader() through the raw REPL", app.location)
                with ReplClient(app.location, timeout=timings.repl_timeout) as repl:
                    repl.bootloader()
            else:
                log.info("1200-baud touch on %s", app.location)
                touch_1200(app.location, timings.touch_hold)
        except (ReplError, OSError) as exc:
            log.warning("%s did not work on %s: %s", way, app.location, exc)
            continue
        found = wait_for(lambda: bootloader_endpoint(discovery, mode, device or _id_of(app, registry), registry, app),
                         timings.appear_timeout)
        if found is not None:
            device_id = device or identity(app, registry)
            registry.learn(found, device_id)
            if normalize_serial(found.serial) != normalize_serial(app.serial):
                log.info("learned: %s is %s in %s mode", endpoint_key(found), device_id, mode)
            registry.save()
            return found  # type: ignore[no-any-return]
        log.warning("no %s device appeared within %.0f s after %s", mode, timings.appear_timeout, way)
    raise DeviceNotFound(f"{app.location} did not come back in its {mode} bootloader (tried {', '.join(ways)}); "
                         "the firmware may not support it — put the board in the bootloader by hand")


def _id_of(app: Endpoint, registry: Registry) -> str:
    return identity(app, registry)
