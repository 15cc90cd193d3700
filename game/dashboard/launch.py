"""`agent-town dashboard`: `marimo run` on the notebook shipped in the package, on 127.0.0.1
(through `game.dashboard.serve`, which opens the town while marimo starts)."""

from __future__ import annotations

import os
import socket
import sys
from importlib import resources, util
from pathlib import Path
from typing import NoReturn

HOST = "127.0.0.1"


def available() -> bool:
    """Whether marimo and anywidget are installed (the `dashboard` extra; never in the
    packaged executable, whose own program could not run `-m marimo`)."""
    return all(util.find_spec(name) is not None for name in ("marimo", "anywidget"))


def notebook() -> Path:
    """The notebook's file (package data: `marimo edit` on it works too)."""
    return Path(str(resources.files("game.dashboard").joinpath("town.py")))


def command(source: str | None, port: int | None = None, browser: bool = True) -> list[str]:
    """The `marimo run` command line showing `source` (a .town file, a URL, or a fresh town)."""
    cmd = [sys.executable, "-m", "game.dashboard.serve", "run", str(notebook()), "--host", HOST,
           "--no-token", "--session-ttl", "5"]
    if port is not None:
        cmd += ["--port", str(port)]
    if not browser:
        cmd.append("--headless")
    if source:
        is_url = source.startswith(("http://", "https://"))
        cmd += ["--", "--town", source if is_url else str(Path(source).resolve())]
    return cmd


def port_taken(port: int) -> bool:
    """Whether something already listens on HOST:port (marimo would print its address, then
    fail to bind it)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return True
    return False


def run(source: str | None, port: int | None = None, browser: bool = True) -> NoReturn:
    """Become `marimo run` (never returns): a signal to this process (Ctrl+C, a terminate)
    reaches marimo itself, never leaving it running without its parent."""
    cmd = command(source, port, browser)
    os.execv(cmd[0], cmd)
