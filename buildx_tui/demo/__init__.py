"""``buildx-tui --demo``: the whole app on recorded real buildx output shipped in the package.

Nothing is ever executed: the backend is :class:`~buildx_tui.core.replay.builds.BuildReplayBackend`
(it cannot start a process) answering from ``data/`` (verbatim copies of recordings under
tests/fixtures/, see tests/fixtures/*/INDEX.md for the command each came from; the big traces are
gzipped). This package puts features together as ``__main__`` does, so it may import any of them.
"""
