"""The child-process helper: cancelling a child must never fail on what was left unsent.

A load cancels its relation workers when one of them finds a problem; a worker that had
already exited leaves bytes buffered for its stdin, and closing that pipe used to raise
BrokenPipeError instead of the validation error the user should see (seen once in CI)."""
from conflictgraph.graph.children import Child


def test_closing_a_dead_childs_pipe_with_unsent_bytes_is_quiet():
    # The module has no main: the child exits at once without reading its stdin.
    child = Child("conflictgraph.graph.children", [])
    child.proc.wait()
    child.proc.stdin.write(b"a frame the child will never read")  # buffered, not yet sent
    child.close()
    assert child.proc.stdin.closed and child.proc.stdout.closed


def test_kill_reaps_and_closes():
    child = Child("conflictgraph.graph.children", [])
    child.proc.stdin.write(b"x")
    child.kill()
    assert child.proc.returncode is not None and child.proc.stdin.closed
