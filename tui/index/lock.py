"""One index writer at a time, across processes (``fcntl.flock`` on a lock file)."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from tui.config import ChronicleError

LOCK_NAME = "writer.lock"


class IndexBusy(ChronicleError):
    """Another process kept the index's writer lock for longer than we would wait."""


def writer_active(index_dir: Path) -> bool:
    """Whether some process holds the writer lock of ``index_dir`` right now."""
    try:
        fd = os.open(index_dir / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
    return False


class WriterLock:
    """Held while a build writes; readers never take it (they rely on atomic switches)."""

    def __init__(
        self,
        index_dir: Path,
        timeout: float = 30.0,
        on_wait: Callable[[str], None] | None = None,
        poll: float = 0.2,
    ) -> None:
        self.path = index_dir / LOCK_NAME
        self.timeout = timeout
        self.on_wait = on_wait
        self.poll = poll
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and self.on_wait is not None:
                    self.on_wait(
                        f"another process is updating the index in {self.path.parent} "
                        f"({self._holder(fd)}); waiting up to {self.timeout:g} s"
                    )
                    told = True
                if time.monotonic() >= deadline:
                    message = (
                        f"the index in {self.path.parent} is still being updated by another "
                        f"process ({self._holder(fd)}) after {self.timeout:g} s; try again later"
                    )
                    os.close(fd)
                    raise IndexBusy(message) from None
                time.sleep(self.poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    @staticmethod
    def _holder(fd: int) -> str:
        try:
            pid = os.pread(fd, 32, 0).decode().strip()
        except (OSError, UnicodeDecodeError):
            pid = ""
        return f"pid {pid}" if pid.isdigit() else "pid unknown"

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
