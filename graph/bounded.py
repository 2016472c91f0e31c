"""Running a pure-Python computation (networkx analytics) with a time limit, a memory limit
and a way to abandon it, none of which a thread offers: it runs in a forked child that is
killed when the time is up, when its caller gives up, or when the parent dies.

Measured before (issue 13): on 200k relations, balance, blocs and betweenness ran on after
the client had left, reached 3.7-7.6 GB and held cores for minutes, and SIGTERM waited on
them. Forked, the child sees the caller's graph without copying or pickling it; only the
(small) result travels back through a pipe.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import resource
import signal
import time
from typing import Any, Callable

from .errors import (ComputationCancelled, ComputationCrashed, ComputationTimeout, ComputationTooLarge,
                     ComputationUnavailable, ConflictGraphError)

_PR_SET_PDEATHSIG = 1
_POLL_S = 0.2




def _vm_size() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(send, fn: Callable[..., Any], args: tuple, memory_mb: int) -> None:
    try:
        # Die with the parent (a service stopped with SIGKILL leaves no computation behind),
        # yield the CPU to it, and stop at the memory limit with a MemoryError.
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        os.nice(10)
        limit = _vm_size() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            send.send(("ok", fn(*args)))
        except MemoryError:
            send.send(("memory", None))
        except ConflictGraphError as e:
            send.send(("error", e))
        except ValueError as e:   # the analytics' own errors (AnalyticsError is a ValueError)
            send.send(("error", e))
    finally:
        os._exit(0)


def run_bounded(fn: Callable[..., Any], args: tuple, *, timeout_s: float, memory_mb: int,
                cancelled: Callable[[], bool] = lambda: False, what: str = "the computation") -> Any:
    """fn(*args) in a forked child; its result, or its error raised here."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, fn, args, memory_mb), daemon=True)
    try:
        proc.start()
    except OSError as e:   # ENOMEM or EAGAIN from fork: the system's state, not the request
        receive.close()
        send.close()
        raise ComputationUnavailable(f"the server could not start {what} ({e.strerror or e}); "
                                     "try again later") from None
    send.close()
    deadline = time.monotonic() + timeout_s
    try:
        while not receive.poll(_POLL_S):
            if not proc.is_alive() and not receive.poll(0):
                raise ComputationCrashed(f"{what} crashed (exit {proc.exitcode}); the server log has no more")
            if cancelled():
                raise ComputationCancelled(f"{what} was abandoned: the client went away")
            if time.monotonic() > deadline:
                raise ComputationTimeout(f"{what} ran past the server's time limit ({timeout_s:g} s) and was "
                                         "stopped; narrow it with types or as_of")
        try:
            kind, value = receive.recv()
        except EOFError:
            raise ComputationCrashed(f"{what} crashed (exit {proc.exitcode})") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        receive.close()
    if kind == "memory":
        raise ComputationTooLarge(f"{what} needs more memory than the server allows ({memory_mb} MiB); "
                                  "narrow it with types or as_of")
    if kind == "error":
        raise value
    return value
