"""A Backend that replays recorded real buildx output: the demo's (``buildx-tui --demo``), the
tests' and the screenshot scripts'. It can never start a process."""
