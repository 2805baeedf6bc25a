"""What a person sees while the index is built, always on stderr (stdout stays the command's output, so
`resobot ask --json` prints JSON only): on a terminal, a progress bar that says what is being built; when
stderr is not a terminal (a pipe, a log file, a container), one plain line when the build starts.

Example usage:
    with build_progress("building the index, once: 50 units", total=143, show=True) as advance:
        advance(16)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn


@contextmanager
def build_progress(label: str, total: int, show: bool) -> Iterator[Callable[[int], None]]:
    """Yields `advance(n)`, called as texts are embedded. `show` False: nothing is printed at all."""
    if not show:
        yield lambda n: None
        return
    console = Console(stderr=True)
    if not console.is_terminal:
        print(f"resobot: {label} …", file=sys.stderr, flush=True)
        yield lambda n: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:  # the finished bar stays: it says what took time
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)
