"""A viewer's line to a served town: its stream read on a thread, its record, cards posted.

Used by `agent-town follow` (the stream as lines) and by a window that joins a town (`--join`:
the input log and heartbeats, re-simulated locally). Never touches a timeline itself.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

import httpx
from httpx_sse import connect_sse

from game.trace import store

BASE = "/api/v1/world/town"
QUEUE_LIMIT = 200_000  # messages a viewer may hold unread before it counts as lost


def endpoint(url: str, path: str) -> str:
    """`path` under the town at `url` (a bare http://host:port, or a full stream address)."""
    root = url.rstrip("/")
    for tail in (f"{BASE}/flux", BASE):
        root = root.removesuffix(tail)
    return f"{root}{BASE}/{path}"


def stream(url: str, *, ops: str = "", token: str | None = None, last: str | None = None,
           read_seconds: float = 60.0) -> Iterator[tuple[str, str, str]]:
    """(event name, id, data) as the town sends them, until it ends the stream."""
    address = url if "/v1/" in url else endpoint(url, "flux")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if last:
        headers["Last-Event-ID"] = last
    params = {"ops": ops} if ops else None  # none given: the address's own query stands
    with httpx.Client(timeout=httpx.Timeout(10.0, read=read_seconds)) as client, \
            connect_sse(client, "GET", address, headers=headers, params=params) as source:
        if source.response.is_error:
            source.response.read()  # the town's answer in words, for whoever reports it
        source.response.raise_for_status()
        for sse in source.iter_sse():
            if sse.data:  # not a keep-alive comment (httpx_sse hands one on, empty, once an id
                yield sse.event, sse.id, sse.data  # was seen)


class TownClient:
    """The stream of a served town, read on a thread into a queue the window drains."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url
        self.token = token
        self._queue: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue(QUEUE_LIMIT)
        self.lost: str | None = None  # why the stream ended, once it has
        self._thread = threading.Thread(target=self._read, name="town-client", daemon=True)
        self._stopping = threading.Event()

    def start(self) -> TownClient:
        self._thread.start()
        return self

    def _read(self) -> None:
        try:
            for name, _ident, data in stream(self.url, token=self.token, read_seconds=30.0):
                if self._stopping.is_set():
                    return
                self._queue.put_nowait((name, json.loads(data)))
            self.lost = "the town stopped serving"
        except queue.Full:
            self.lost = "this window fell too far behind the town"
        except httpx.HTTPStatusError as err:
            self.lost = f"the town answered {err.response.status_code}"
        except (httpx.HTTPError, ValueError) as err:
            self.lost = f"lost the town ({type(err).__name__})"

    def take(self) -> list[tuple[str, dict[str, Any]]]:
        out = []
        while True:
            try:
                out.append(self._queue.get_nowait())
            except queue.Empty:
                return out

    def first(self, seconds: float = 10.0) -> tuple[str, dict[str, Any]]:
        """The first message (the town's status), waiting for it."""
        try:
            return self._queue.get(timeout=seconds)
        except queue.Empty:
            raise OSError(f"{self.url}: no answer from the town ({self.lost or 'timed out'})"
                          ) from None

    def record(self) -> store.SaveFile:
        """The town's history as a save record (GET …/trace)."""
        got = httpx.get(endpoint(self.url, "trace"), headers=self._auth(), timeout=60)
        got.raise_for_status()
        return store.SaveFile.model_validate_json(got.text)

    def post(self, card: str, targets: list[str]) -> tuple[int, dict[str, Any]]:
        got = httpx.post(endpoint(self.url, "perturb"), headers=self._auth(), timeout=10,
                         json={"card": card, "targets": targets})
        body: dict[str, Any] = got.json()
        return got.status_code, body

    def stop(self) -> None:
        self._stopping.set()

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}
