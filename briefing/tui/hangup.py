"""Leaving cleanly when the terminal goes away: a dropped SSH link (SIGHUP) or a kill (SIGTERM).

Either quits as ``q`` would: where one was reading is saved and the terminal
restored; the exit status is 129.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Callable

SIGNALS = (signal.SIGHUP, signal.SIGTERM)
EXIT_STATUS = 129
# Seconds an orderly exit after a hang-up may take before the process ends itself.
GRACE = 3.0


def handle_hangup(quit: Callable[[], None]) -> None:
    """Call *quit* on a hang-up, and end the process if the orderly exit has not within :data:`GRACE`."""

    def hung_up() -> None:
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
        for signum in SIGNALS:
            loop.add_signal_handler(signum, hung_up)
    except (NotImplementedError, RuntimeError, ValueError):
        pass  # not the main thread (some test runners): the default action stands


def stop_handling_hangup() -> None:
    try:
        loop = asyncio.get_running_loop()
        for signum in SIGNALS:
            loop.remove_signal_handler(signum)
    except (NotImplementedError, RuntimeError, ValueError):
        pass
