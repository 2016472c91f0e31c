"""Admission control: expensive requests wait in bounded lanes, off the shared thread pool.

Synchronous handlers all run on one thread pool; 50 slow research queries used to fill it,
so /health waited 76 s behind them and the last query was answered after 318 s. Research
queries and whole-graph requests now each have a lane: a fixed number run at once (on a
limiter of their own, not the shared pool), a bounded number wait, and the rest are told
at once to come back later (503 with Retry-After). Cheap endpoints never queue behind them.
"""
from __future__ import annotations

import asyncio
import functools
import math
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable

import anyio
import anyio.to_thread

from conflictgraph.graph.errors import ConflictGraphError


class Busy(ConflictGraphError):
    """Every slot and waiting place of a lane is taken."""
    status = 503

    def __init__(self, lane: "Lane"):
        super().__init__(f"the server is busy with {lane.running_limit} {lane.what} and {lane.queue} waiting; "
                         f"retry in {lane.retry_after_s} s")
        self.retry_after_s = lane.retry_after_s
        self.headers = {"Retry-After": str(lane.retry_after_s)}


@dataclass
class Lane:
    what: str             # e.g. "research queries", for messages
    running_limit: int
    queue: int
    retry_after_s: int
    inside: int = 0       # running + waiting; touched only on the event loop thread
    limiter: anyio.CapacityLimiter = field(init=False)

    def __post_init__(self):
        self.limiter = anyio.CapacityLimiter(max(1, self.running_limit))

    async def run(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        if self.inside >= self.running_limit + self.queue:
            raise Busy(self)
        self.inside += 1
        try:
            return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=self.limiter)
        finally:
            self.inside -= 1


# How often a request in a lane looks whether its client is still connected.
DISCONNECT_POLL_S = 0.25


@asynccontextmanager
async def client_watch(request) -> AsyncIterator[Callable[[], bool]]:
    """A `cancelled()` that turns true once the client has disconnected, for work done in a
    lane's thread to look at: a research query or an analysis whose client left is stopped
    (and one still waiting for a slot never starts) instead of running on for nobody."""
    gone = threading.Event()

    async def watch():
        while not await request.is_disconnected():
            await asyncio.sleep(DISCONNECT_POLL_S)
        gone.set()

    watcher = asyncio.ensure_future(watch())   # not a task group: it would wrap a 404 in a group
    try:
        yield gone.is_set
    finally:
        watcher.cancel()


@dataclass
class Lanes:
    research: Lane
    heavy: Lane

    @classmethod
    def from_settings(cls, settings) -> "Lanes":
        timeout_s = max(1, math.ceil(settings.query_timeout_ms / 1000))
        return cls(research=Lane("research queries", settings.query_workers, settings.research_queue, timeout_s),
                   heavy=Lane("whole-graph requests", settings.heavy_slots, settings.heavy_queue, 5))
