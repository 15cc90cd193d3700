"""`agent-town serve` and `agent-town follow` as a person runs them, and the bus's promise that a
viewer who falls behind is dropped, never the town."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main
from game.trace import store
from game.wire import messages as msg
from game.wire.bus import MemoryBus, Subscription
from tests.wire import FLUX, serving

SERVE_SECONDS = 20


def start_serve(*flags: str, home: Path) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "AGENT_TOWN_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "game", "serve", "--port", "0", *flags],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+", line)
    assert found, (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc, found.group(0)


@pytest.mark.slow
def test_serve_follow_and_stop_leave_a_history_that_verifies(tmp_path: Path) -> None:
    out = tmp_path / "served.town"
    proc, url = start_serve("--speed", "16", "--out", str(out), home=tmp_path)
    try:
        follow = subprocess.run(
            f"{sys.executable} -m game follow {url} --ops greet,arrive | head -3",
            shell=True, capture_output=True, text=True, timeout=SERVE_SECONDS)
        lines = follow.stdout.splitlines()
        assert lines[0].startswith("# town seed 7, on main at tick"), follow.stdout
        assert len(lines) == 3 and all(re.match(r"\s+\d+ main\s+\S", x) for x in lines[1:])
        assert follow.stderr == ""  # the closed pipe ends it quietly
    finally:
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=SERVE_SECONDS)
    assert proc.returncode == 0, stderr
    assert f"saved: {out}" in stdout and stderr == ""
    record = store.read(out)
    assert record.branches[0].head > 0
    timeline = store.build(record)
    store.verify(record, timeline)


def test_follow_json_prints_one_json_message_a_line_and_a_closed_pipe_ends_it_quietly(
        tmp_path: Path) -> None:
    env = {**os.environ, "AGENT_TOWN_HOME": str(tmp_path)}
    with serving(speed=16) as served:
        follow = subprocess.run(
            f"{sys.executable} -m game follow {served.url} --ops arrive,greet --json | head -30",
            shell=True, capture_output=True, text=True, timeout=SERVE_SECONDS, env=env)
    assert follow.stderr == ""  # the closed pipe ends it quietly
    lines = follow.stdout.splitlines()
    assert len(lines) == 30, follow.stdout
    told = [json.loads(line) for line in lines]  # each line is one whole JSON message
    assert (told[0]["scenario"], told[0]["seed"], told[0]["branch"]) == ("town", 7, "main")
    events = [t["event"] for t in told[1:] if "event" in t]
    beats = [t for t in told[1:] if "event" not in t]
    assert events and {e["op"] for e in events} <= {"arrive", "greet"}
    assert all(set(t) == {"v", "town_id", "branch", "phase", "sent", "event"}
               for t in told[1:] if "event" in t)
    assert all(set(b) >= {"tick", "hash", "branch"} for b in beats)  # heartbeats pass the filter


def test_serving_beyond_loopback_without_a_token_is_refused_in_one_line(tmp_path: Path) -> None:
    got = subprocess.run([sys.executable, "-m", "game", "serve", "--host", "0.0.0.0"],
                         capture_output=True, text=True, timeout=SERVE_SECONDS,
                         env={**os.environ, "AGENT_TOWN_HOME": str(tmp_path)})
    assert got.returncode == 2
    assert got.stderr.startswith("agent-town: serving on 0.0.0.0 needs --token")
    assert got.stderr.count("\n") == 1


def test_following_nothing_says_so_in_one_line(tmp_path: Path) -> None:
    got = subprocess.run([sys.executable, "-m", "game", "follow", "http://127.0.0.1:9"],
                         capture_output=True, text=True, timeout=60,
                         env={**os.environ, "AGENT_TOWN_HOME": str(tmp_path)})
    assert got.returncode == 2, got.stderr
    assert got.stderr.startswith("agent-town: http://127.0.0.1:9: cannot reach the town")
    assert got.stderr.count("\n") == 1


def test_a_viewer_that_falls_behind_is_dropped_and_told_while_others_go_on() -> None:
    bus = MemoryBus()
    woken: list[int] = []
    slow = Subscription(lambda m: True, lambda: woken.append(1), limit=50)
    fast = Subscription(lambda m: True, lambda: None, limit=50)
    bus.add(slow)
    bus.add(fast)
    for tick in range(1, 200):
        bus.publish([msg.tick_message("town", "main", tick, None)])
        fast.take()
    assert slow.dropped and slow.closed and not fast.dropped
    assert bus.count() == 1 and slow.take() == []
    assert len(woken) == 1  # one wake for a burst, not one per message


class Lines(io.StringIO):
    """A reader that goes away (a closed pipe) after `lines` lines."""

    def __init__(self, lines: int) -> None:
        super().__init__()
        self.lines = lines

    def write(self, text: str) -> int:
        if self.getvalue().count("\n") >= self.lines:
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


def test_follow_tells_the_towns_own_refusal_and_a_bad_address_in_one_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    with serving(speed=16, token="s3cret") as served:
        asked = {
            f"{served.url} --ops nope --token s3cret": "400 unknown event kind 'nope' (kinds: ",
            f"{served.url}": "401 this town needs its token",
            f"{served.url}/nothing --token s3cret": "404 ",
        }
        for argv, says in asked.items():
            assert main(["follow", *argv.split()], out=io.StringIO()) == 2
            line = capsys.readouterr().err
            assert line.startswith(f"agent-town: {argv.split()[0]}: {says}"), line
            assert line.count("\n") == 1
        # The stream's own address, its filter in its query, is followed as it says.
        got = Lines(4)
        assert main(["follow", f"{served.url}{FLUX}?ops=greet&token=s3cret"], out=got) == 141
        greets = got.getvalue().splitlines()[1:]
        assert greets and all(" greeted " in line for line in greets), got.getvalue()
    assert main(["follow", "http://[::1"], out=io.StringIO()) == 2
    assert capsys.readouterr().err == ("agent-town: 'http://[::1' is no town's address "
                                       "(Invalid port: ':1')\n")


def test_serving_on_a_taken_port_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)], out=io.StringIO()) == 2
    assert capsys.readouterr().err == (f"agent-town: cannot serve on 127.0.0.1:{port} "
                                       f"(is the port taken?)\n")
