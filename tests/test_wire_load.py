"""The load test, small and bounded: SSE and WebSocket viewers and card posters against a town
at 16× on loopback; nobody misses or repeats an event, the owner keeps its pace, the history
verifies; the same through a real nats-server and a gateway process. (`python
benchmarks/stream_load.py [--nats]` runs the full 50 viewers for 60 s.)"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "stream_load.py"


@pytest.mark.slow
def test_viewers_and_posters_under_load_miss_nothing_and_the_history_verifies() -> None:
    got = subprocess.run([sys.executable, str(SCRIPT), "--sse", "12", "--ws", "4",
                          "--posters", "3", "--seconds", "8"],
                         capture_output=True, text=True, timeout=240)
    assert got.returncode == 0, got.stdout + got.stderr
    figures = dict(line.split(": ", 1) for line in got.stdout.splitlines())
    assert figures["events missed"] == "0" and figures["events repeated"] == "0"
    assert figures["history verifies"] == "yes"
    accepted = int(figures["cards accepted"].split()[0])
    assert accepted >= 3
    pace = float(re.match(r"[\d.]+", figures["owner pace"]).group(0))  # type: ignore[union-attr]
    assert pace > 0.8 * 320


@pytest.mark.slow
def test_viewers_of_a_gateway_over_nats_miss_nothing_and_the_history_verifies() -> None:
    """The owner publishing at 16× to a real nats-server, a gateway process serving 22 viewers
    (SSE and WebSocket) and forwarding cards: the same checks as from the owner itself."""
    got = subprocess.run([sys.executable, str(SCRIPT), "--sse", "16", "--ws", "6",
                          "--posters", "3", "--seconds", "8", "--nats"],
                         capture_output=True, text=True, timeout=300)
    assert got.returncode == 0, got.stdout + got.stderr
    figures = dict(line.split(": ", 1) for line in got.stdout.splitlines())
    assert figures["viewers"].startswith("22 (16 SSE, 6 WebSocket)")
    assert figures["events missed"] == "0" and figures["events repeated"] == "0"
    assert int(figures["events received"]) > 0
    assert figures["history verifies"] == "yes"
    assert int(figures["cards accepted"].split()[0]) >= 3  # forwarded by the gateway
