"""`python -m game.dashboard.serve run NOTEBOOK … -- --town SOURCE`: `marimo run`, warmed.

`marimo run` runs each page's kernel on a thread of its own process, and a kernel starts only
when a page connects. This process opens the town (`sources.preload`: the modules the notebook
imports, the file read and re-simulated or the served town's document) on a thread while
marimo starts its server, so the page's first run finds it ready instead of doing it all
after the browser asked.
"""

from __future__ import annotations

import importlib
import runpy
import sys
import threading
from pathlib import Path


def town_of(argv: list[str]) -> str | None:
    """The `--town` given to the notebook (after `--`), if any."""
    tail = argv[argv.index("--") + 1:] if "--" in argv else []
    return tail[tail.index("--town") + 1] if "--town" in tail[:-1] else None


def warm(source: str | None) -> None:
    """Import what the notebook imports and open its town (a sweep's folder: its page opens
    the run picked)."""
    importlib.import_module("game.dashboard.widgets")
    from game.dashboard import sources
    if not (source and Path(source).is_dir()):
        sources.preload(source)


def main() -> None:
    threading.Thread(target=warm, args=(town_of(sys.argv),), name="dashboard-warm",
                     daemon=True).start()
    sys.argv = ["marimo", *sys.argv[1:]]
    runpy.run_module("marimo", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
