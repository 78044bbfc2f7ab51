# asyncio: cooperative tasks for Kiln, with MicroPython's asyncio API (a subset of CPython's).
from .core import (
    CancelledError,
    InvalidStateError,
    Task,
    TimeoutError,
    all_tasks,
    create_task,
    current_task,
    get_event_loop,
    get_running_loop,
    new_event_loop,
    run,
    run_until_complete,
    sleep,
    sleep_ms,
)
from .event import Event, ThreadSafeFlag
from .funcs import gather, wait_for, wait_for_ms
from .lock import Lock
from .stream import Stream, StreamReader, StreamWriter

__all__ = [
    "CancelledError", "InvalidStateError", "Task", "TimeoutError", "all_tasks", "create_task", "current_task",
    "get_event_loop", "get_running_loop", "new_event_loop", "run", "run_until_complete", "sleep", "sleep_ms",
    "Event", "ThreadSafeFlag", "gather", "wait_for", "wait_for_ms", "Lock", "Stream", "StreamReader",
    "StreamWriter",
]
