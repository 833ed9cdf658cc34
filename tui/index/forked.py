"""A share of the work done in a forked child while the parent does its own (the CLI
only: the app never forks).

The child runs one function, writes the bytes it returns to a pipe and leaves without
running any cleanup (``os._exit``). A child that cannot be started, fails or dies
gives None: the parent then does that share itself.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable
from typing import Any

Child = tuple[int, int]  # its pid, and the read end of its pipe


def start(work: Callable[[], bytes]) -> Child | None:
    """Fork a child that runs ``work`` and writes its result to a pipe."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:
        status = 1
        try:
            os.close(read)
            data = work()
            with os.fdopen(write, "wb") as out:
                out.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    return pid, read


def finish(child: Child | None) -> bytes | None:
    """What the child wrote, once it has exited well; None otherwise. Interrupted while
    waiting (Ctrl-C), it stops the child before the interruption goes on: the child is
    done with either way, and its pipe is closed."""
    if child is None:
        return None
    pid, read = child
    try:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
    except BaseException:
        _kill(pid)
        raise
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    return data


def stop(child: Child | None) -> None:
    """End a child whose result is no longer wanted, and reap it."""
    if child is None:
        return
    pid, read = child
    with contextlib.suppress(OSError):
        os.close(read)
    _kill(pid)


def _kill(pid: int) -> None:
    """Kill and reap a child (one already gone is only reaped, or was already)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def unpickled(data: bytes | None) -> Any | None:
    """A child's pickled answer, or None when it gave none or it cannot be read (the
    parent then does that share itself)."""
    if data is None:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - a broken answer is no answer
        return None
