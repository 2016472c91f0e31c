"""Connections that cannot be held open for nothing: a deadline for each request, and a cap.

uvicorn's h11 protocol waits forever for a request head, and its keep-alive timer is
cancelled by the first byte of the next request: 1,100 connections trickling one header
byte at a time exhausted the process's file descriptors (accept failed with EMFILE) and
/health timed out for 30 s. This protocol:

- closes a connection that has not sent a whole request head within `head_timeout_s`
  (15 s) of opening or of its previous answer, and a whole request (head and body)
  within `request_timeout_s` (60 s; the largest body is 1 MB);
- caps open connections below the descriptor limit: at the cap, a new connection
  evicts the one that has waited longest for a request head (a trickler, or an idle
  keep-alive), and is itself closed only when every other one has a request in flight.

It is production's second line: the README advises a reverse proxy (nginx, Caddy) in front,
which buffers requests and holds slow clients itself.
"""
from __future__ import annotations

import asyncio
import logging
import resource
import time
from dataclasses import dataclass
from functools import lru_cache

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from conflictgraph.graph.settings import Settings

# Descriptors kept for what is not a client connection (the store's files, research workers'
# pipes, analytics children, logs) and for the connections asyncio accepts in one burst
# before any of them reaches the cap (ACCEPT_BACKLOG per loop tick, two ticks).
ACCEPT_BACKLOG = 64
RESERVED_FDS = 128 + 2 * ACCEPT_BACKLOG


@dataclass(frozen=True)
class Limits:
    head_timeout_s: float
    request_timeout_s: float
    max_connections: int


@lru_cache(maxsize=1)
def limits() -> Limits:
    """The settings' (graph/settings.py), with the cap held below this process's descriptor
    limit. Read once per process: uvicorn builds the protocol, not the app, for each connection."""
    settings = Settings.from_env()
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    room = soft - RESERVED_FDS if soft != resource.RLIM_INFINITY else settings.max_connections
    return Limits(settings.header_timeout_s, settings.request_timeout_s,
                  max(16, min(settings.max_connections, room)))


def uvicorn_options() -> dict:
    """What every server of this service passes to uvicorn: this protocol, idle keep-alive
    connections closed after 5 s, and a small accept burst (uvicorn's default backlog of
    2,048 is also how many connections asyncio accepts per loop tick)."""
    return {"http": GuardedH11Protocol, "timeout_keep_alive": 5, "backlog": ACCEPT_BACKLOG}


def prepare_process() -> None:
    """Before serving: the soft descriptor limit up to the hard one (the cap is set from it),
    and asyncio's "accept() out of system resource" error, logged with a traceback for every
    refused accept (thousands a second under a flood), logged once a minute instead."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 16
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        limits.cache_clear()
    log = logging.getLogger("asyncio")
    if not any(isinstance(f, _OncePerMinute) for f in log.filters):
        log.addFilter(_OncePerMinute("out of system resource"))


class _OncePerMinute(logging.Filter):
    """Lets a record containing `text` through at most once a minute, saying how many it held back."""

    def __init__(self, text: str):
        super().__init__()
        self.text, self.last, self.held = text, float("-inf"), 0

    def filter(self, record: logging.LogRecord) -> bool:
        if self.text not in record.getMessage():
            return True
        now = time.monotonic()
        if now - self.last < 60:
            self.held += 1
            return False
        if self.held:
            record.msg = f"{record.msg} ({self.held} more like it in the last minute were not logged)"
        record.exc_info, record.exc_text = None, None
        self.last, self.held = now, 0
        return True


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with request deadlines and a connection cap (module docstring)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._waiting_since: float | None = None
        self._await_head()
        if len(self.connections) > limits().max_connections:
            self._make_room()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._waiting_since is not None and self.conn.their_state is not h11.IDLE:
            # The head is in: what is left is the body, under the whole request's deadline.
            self._waiting_since = None
            self._arm(limits().request_timeout_s if self.conn.their_state is h11.SEND_BODY else None)
        elif self._waiting_since is None and self.conn.their_state is h11.DONE:
            self._arm(None)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._await_head()   # the next request's head, on a kept-alive connection

    def connection_lost(self, exc: Exception | None) -> None:
        self._arm(None)
        super().connection_lost(exc)

    # --- deadlines ---------------------------------------------------------------
    def _await_head(self) -> None:
        self._waiting_since = time.monotonic()
        self._arm(limits().head_timeout_s)

    def _arm(self, seconds: float | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(seconds, self._too_slow) if seconds is not None else None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True   # the app reads a disconnect, not a half body
            self.cycle.message_event.set()
        self.transport.close()

    # --- the cap -------------------------------------------------------------------
    def _make_room(self) -> None:
        waiting = [c for c in self.connections
                   if c is not self and getattr(c, "_waiting_since", None) is not None
                   and not c.transport.is_closing()]
        if not waiting:
            self.transport.close()   # every other connection has a request in flight
            return
        min(waiting, key=lambda c: c._waiting_since)._too_slow()
