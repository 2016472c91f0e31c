"""Streamed answers (api/encoding.py): written a few pieces ahead in a thread of their own, so
the writing and the compressing overlap; what a client receives must be unchanged by that."""
from __future__ import annotations

import gzip
import threading
import time

import pytest

from conflictgraph.api.encoding import READ_AHEAD, _gzipped, _read_ahead


def test_every_piece_arrives_in_order_and_gzip_reads_back():
    pieces = [bytes([i % 251]) * (1000 + i) for i in range(300)]
    assert list(_read_ahead(iter(pieces))) == pieces
    assert gzip.decompress(b"".join(_gzipped(_read_ahead(iter(pieces))))) == b"".join(pieces)


def test_the_writer_s_error_reaches_the_reader_after_what_was_written():
    def pieces():
        yield b"a"
        yield b"b"
        raise RuntimeError("a load replaced the graph during the export; export again")

    got = []
    with pytest.raises(RuntimeError, match="export again"):
        for piece in _read_ahead(pieces()):
            got.append(piece)
    assert got == [b"a", b"b"]


def test_a_reader_that_stops_stops_the_writer():
    # A client that goes away: the export must not go on writing the rest of the graph.
    written, closed = [], threading.Event()

    def pieces():
        try:
            for i in range(10_000):
                written.append(i)
                yield b"x" * 100
        finally:
            closed.set()

    reader = _read_ahead(pieces())
    assert next(reader) == b"x" * 100
    reader.close()
    assert closed.wait(5), "the writer's generator was never closed"
    time.sleep(0.1)
    assert len(written) <= 2 + READ_AHEAD + 1, len(written)


def test_the_next_piece_is_written_while_the_reader_holds_this_one():
    # The point of it: the next piece is being written while the reader compresses this one.
    second_started = threading.Event()

    def pieces():
        yield b"first"
        second_started.set()
        yield b"second"

    reader = _read_ahead(pieces())
    assert next(reader) == b"first"
    assert second_started.wait(5), "nothing was written ahead of the reader"
    assert list(reader) == [b"second"]
