"""Viewers of a served town, in a process of their own: N SSE clients, M WebSocket clients and
P clients posting cards, for a while. Prints one JSON document: for each viewer the town's head
when it connected, the (tick, seq) of every event it received, and event → client latencies;
for each poster the statuses it got.

python benchmarks/stream_clients.py URL --sse 40 --ws 10 --posters 5 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

import httpx
from httpx_sse import aconnect_sse
from httpx_ws import aconnect_ws

FLUX = "/api/v1/world/town/flux"
CARDS = ["festival", "storm", "greet", "solo", "rumor", "trade", "teach"]


def heard(log: dict[str, Any], name: str, data: str) -> None:
    if not data:  # a keep-alive
        return
    body = json.loads(data)
    now = time.time()
    if name == "town.status":
        log["head"] = body["head"]
    elif name == "town.tick":
        log["last_tick"] = body["tick"]
    elif "event" in body:
        e = body["event"]
        log["events"].append([e["tick"], e["seq"]])
        log["latency_ms"].append(round((now - body["sent"]) * 1000, 3))


async def sse_viewer(url: str, until: float) -> dict[str, Any]:
    log: dict[str, Any] = {"kind": "sse", "events": [], "latency_ms": [], "last_tick": -1}
    async with httpx.AsyncClient(timeout=httpx.Timeout(30.0)) as client, \
            aconnect_sse(client, "GET", url + FLUX) as source:
        async for sse in source.aiter_sse():
            heard(log, sse.event, sse.data)
            if time.time() > until and sse.event == "town.tick":
                return log
    return log


async def ws_viewer(url: str, until: float) -> dict[str, Any]:
    log: dict[str, Any] = {"kind": "ws", "events": [], "latency_ms": [], "last_tick": -1}
    address = url.replace("http", "ws", 1) + "/api/v1/world/town/ws"
    async with httpx.AsyncClient() as client, aconnect_ws(address, client) as ws:  # type: ignore[var-annotated]
        while True:
            frame = json.loads(await ws.receive_text(timeout=30))
            heard(log, frame["event"], json.dumps(frame["data"]))
            if time.time() > until and frame["event"] == "town.tick":
                return log


async def poster(url: str, name: str, until: float, every: float) -> dict[str, Any]:
    statuses: list[int] = []
    async with httpx.AsyncClient(timeout=10) as client:
        k = 0
        while time.time() < until - 2:
            card = CARDS[k % len(CARDS)]
            got = await client.post(url + "/api/v1/world/town/perturb", json={"card": card},
                                    headers={"X-Agent-Town-Client": name})
            statuses.append(got.status_code)
            k += 1
            await asyncio.sleep(every)
    return {"kind": "poster", "statuses": statuses}


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    until = time.time() + args.seconds
    jobs = [sse_viewer(args.url, until) for _ in range(args.sse)]
    jobs += [ws_viewer(args.url, until) for _ in range(args.ws)]
    jobs += [poster(args.url, f"poster{i}", until, args.every) for i in range(args.posters)]
    return list(await asyncio.gather(*jobs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--sse", type=int, default=1)
    parser.add_argument("--ws", type=int, default=0)
    parser.add_argument("--posters", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between a poster's cards")
    args = parser.parse_args()
    json.dump(asyncio.run(main_async(args)), sys.stdout)


if __name__ == "__main__":
    main()
