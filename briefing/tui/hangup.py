"""Leaving cleanly when the terminal goes away: a dropped SSH link (SIGHUP), a kill (SIGTERM), or a
terminal that fails to be written to or read from (EIO, EPIPE) without either signal.

Each quits as ``q`` would: where one was reading is saved and the terminal
restored where there is one; the exit status is 129. Without the last, a
failed write ended Textual's writer thread, the next writes waited for it
for ever and the reader stayed on the server with no terminal; a failed read
ended it with a traceback and the place lost.
"""

from __future__ import annotations

import asyncio
import os
import select
import signal
import threading
from collections.abc import Callable
from typing import IO, Any

from textual.driver import Driver

SIGNALS = (signal.SIGHUP, signal.SIGTERM)
EXIT_STATUS = 129
# Seconds an orderly exit after a hang-up may take before the process ends itself.
GRACE = 3.0


# What a lost terminal calls (from the driver's threads), set by handle_hangup.
_on_lost: Callable[[], None] | None = None


def handle_hangup(quit: Callable[[], None]) -> None:
    """Call *quit* on a hang-up, and end the process if the orderly exit has not within :data:`GRACE`."""
    global _on_lost
    done = threading.Event()

    def hung_up() -> None:
        if done.is_set():
            return  # a signal and a failed write, or many failed writes: one exit
        done.set()
        quit()
        # Marks and notes are on disk already (each change is committed as made)
        # and with the terminal gone there is nothing to restore: if the orderly
        # exit stalls (a worker thread blocked on the dead terminal or a child),
        # the process must still go rather than linger on the server.
        watchdog = threading.Timer(GRACE, os._exit, args=(EXIT_STATUS,))
        watchdog.daemon = True
        watchdog.start()

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    _on_lost = lambda: loop.call_soon_threadsafe(hung_up)  # noqa: E731
    try:
        for signum in SIGNALS:
            loop.add_signal_handler(signum, hung_up)
    except (NotImplementedError, RuntimeError, ValueError):
        pass  # not the main thread (some test runners): the default action stands


def terminal_lost() -> None:
    """The terminal cannot be written to or read from: leave as on a hang-up (from any thread)."""
    if _on_lost is not None:
        _on_lost()


class _Guarded:
    """The terminal's output file, whose failures end the reader instead of its writer thread."""

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self._lost = False

    def write(self, text: str) -> int:
        if not self._lost:
            try:
                return self._file.write(text)
            except (OSError, ValueError):  # EIO, EPIPE; ValueError: the file was closed
                self._gone()
        return len(text)

    def flush(self) -> None:
        if not self._lost:
            try:
                self._file.flush()
            except (OSError, ValueError):
                self._gone()

    def _gone(self) -> None:
        # Later writes are dropped, so the writer thread keeps emptying its queue and nothing waits on it.
        self._lost = True
        terminal_lost()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


def _watch_for_hangup(fileno: int, stop: threading.Event, every: float = 0.25) -> None:
    """Call :func:`terminal_lost` once the terminal on *fileno* hangs up (POLLHUP or POLLERR)."""
    try:
        poller = select.poll()
        poller.register(fileno, select.POLLHUP | select.POLLERR)
    except (OSError, ValueError, AttributeError):  # no poll on this platform, or no terminal
        return
    while not stop.wait(every):
        try:
            events = poller.poll(0)
        except OSError:
            return
        if any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, mask in events):
            terminal_lost()
            return


def guarded(driver_class: type[Driver]) -> type[Driver]:
    """*driver_class*, made to leave like a hang-up when its terminal fails (the POSIX terminal driver)."""
    try:
        from textual.drivers.linux_driver import LinuxDriver
    except ImportError:  # no termios: not a POSIX terminal
        return driver_class
    if not issubclass(driver_class, LinuxDriver):
        return driver_class  # headless (tests), web

    class Guarded(driver_class):  # type: ignore[valid-type, misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._file = _Guarded(self._file)

        def run_input_thread(self) -> None:
            # A read of a hung-up terminal returns end of file, not EIO, and Textual's input loop takes
            # that for a pipe and goes on: the hang-up is seen by polling for it beside that loop.
            watch = threading.Thread(target=_watch_for_hangup, args=(self.fileno, self.exit_event),
                                     name="briefing-hangup", daemon=True)
            watch.start()
            try:
                super().run_input_thread()
            except OSError:  # EIO: the terminal is gone
                terminal_lost()

    Guarded.__name__ = f"Guarded{driver_class.__name__}"
    return Guarded


def stop_handling_hangup() -> None:
    global _on_lost
    _on_lost = None
    try:
        loop = asyncio.get_running_loop()
        for signum in SIGNALS:
            loop.remove_signal_handler(signum)
    except (NotImplementedError, RuntimeError, ValueError):
        pass
