"""A gateway serves what the owner's server serves, from NATS: the stream over WebSocket (cards
sent on it answered as the owner answers them), the save record at `trace`, and a new viewer's
stream starting just after the head its status names, with nothing between; many viewers read
through one consumer, and a viewer resuming from the past is replayed, then joins the live
fan-out with nothing missed or twice. Against the real
`nats-server` binary, started on 127.0.0.1 by the fixture in test_wire_nats."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import httpx
import nats
import pytest
from httpx_ws import WebSocketUpgradeError, connect_ws

from game.switches import Switches
from game.trace import store
from game.trace.timeline import MAIN
from game.wire.gateway import Gateway
from game.wire.nats_bus import NatsPublisher, NatsServer
from game.wire.owner import Owner
from tests.test_wire_nats import SECONDS, published_and_gatewayed, server
from tests.wire import FLUX, Seen, read_sse, serving

__all__ = ["server"]  # the fixture, used by name

TRACE = "/api/v1/world/town/trace"


def ws_frames(url: str, cards: list[dict[str, Any]], frames: int) -> tuple[list[Any], list[Any]]:
    """Open the gateway's socket, send `cards` on it, read until `frames` stream frames and an
    answer to every card came: (stream frames, answers)."""
    got: list[Any] = []
    answers: list[Any] = []
    with connect_ws(url.replace("http", "ws", 1) + "/api/v1/world/town/ws") as ws:
        for card in cards:
            ws.send_text(json.dumps(card))
        while len(answers) < len(cards) or len(got) < frames:
            frame = json.loads(ws.receive_text(timeout=SECONDS))
            (answers if frame.get("type") == "perturb" else got).append(frame)
    return got, answers


def pause(owner: Owner) -> None:
    owner.call(lambda tl: setattr(owner, "speed", 0)).result(timeout=SECONDS)


@pytest.mark.slow
def test_a_gateways_websocket_streams_the_owners_events_and_takes_cards(
        server: NatsServer) -> None:
    with published_and_gatewayed(server) as (served, gateway):
        frames, answers = ws_frames(gateway.url, [{"card": "festival"},
                                                  {"card": "greet", "targets": ["zed"]}], 60)
        pause(served.owner)
        tl = served.owner.timeline
    assert frames[0]["event"] == "town.status" and frames[0]["data"]["scenario"] == "town"
    head = frames[0]["data"]["head"]
    events = [f["data"]["event"] for f in frames if "event" in f["data"]]
    end = max(f["data"]["tick"] for f in frames if f["event"] == "town.tick")
    # Every event after the status's head, in order, nothing missing or twice.
    want = [e.model_dump(mode="json") for e in tl.events(MAIN, head + 1, end)]
    assert [e for e in events if e["tick"] <= end] == want
    assert [f["id"] for f in frames if f["id"]] == [f"main:{e['id']}" for e in events]
    ok, refused = sorted(answers, key=lambda a: a["status"])
    assert ok == {"type": "perturb", "status": 202, "tick": ok["tick"], "branch": MAIN,
                  "index": 0}
    assert refused == {"type": "perturb", "status": 422,
                       "error": "card 'greet': unknown citizen 'zed'"}
    assert [(p.tick, p.card) for p in tl.perturbations(MAIN)] == [(ok["tick"], "festival")]


@pytest.mark.slow
def test_a_gateways_sse_starts_just_after_the_head_its_status_names(server: NatsServer) -> None:
    with published_and_gatewayed(server) as (served, gateway):
        seen = read_sse(gateway.url + FLUX, events=40, seconds=SECONDS)
        pause(served.owner)
        tl = served.owner.timeline
    head = seen.items[0][2]["head"]
    got = seen.events()
    assert got == [e.model_dump(mode="json") for e in tl.events(MAIN, head + 1)][:len(got)]


@pytest.mark.slow
def test_a_gateways_trace_is_the_owners_record_and_verifies(server: NatsServer) -> None:
    with published_and_gatewayed(server) as (served, gateway):
        assert httpx.post(gateway.url + "/api/v1/world/town/perturb",
                          json={"card": "storm"}, timeout=SECONDS).status_code == 202
        pause(served.owner)
        record = httpx.get(gateway.url + TRACE, timeout=SECONDS)
        owner_hash = served.owner.call(lambda tl: tl.flux.state_hash()).result(SECONDS)
        from_owner = httpx.get(served.url + TRACE, timeout=SECONDS)
    assert record.status_code == 200 and record.text == from_owner.text
    saved = store.SaveFile.model_validate_json(record.text)
    assert [p.card for p in saved.branches[0].perturbations] == ["storm"]
    assert store.verify(saved, store.build(saved))[saved.current] == owner_hash


@pytest.mark.slow
def test_a_gateways_socket_and_trace_need_the_token_and_say_when_no_owner_answers(
        server: NatsServer) -> None:
    with serving(speed=0, switches=Switches()) as served:
        publisher = NatsPublisher(served.owner, server.url).start()
        assert publisher.attached is not None
        publisher.attached.result(timeout=SECONDS)
        gateway = Gateway(server.url, token="s3cret").check().start()
        socket = gateway.url.replace("http", "ws", 1) + "/api/v1/world/town/ws"
        try:
            assert httpx.get(gateway.url + TRACE, timeout=SECONDS).status_code == 401
            with pytest.raises(WebSocketUpgradeError) as refused, connect_ws(socket):
                pass
            assert refused.value.response.status_code == 401  # refused at the handshake
            with connect_ws(socket + "?token=s3cret") as ws:
                assert json.loads(ws.receive_text(timeout=SECONDS))["event"] == "town.status"
            bearer = {"Authorization": "Bearer s3cret"}
            assert httpx.get(gateway.url + TRACE, headers=bearer,
                             timeout=SECONDS).status_code == 200
            publisher.close()  # the owner leaves NATS: nobody answers the gateway's requests
            gone = httpx.get(gateway.url + TRACE, headers=bearer, timeout=SECONDS)
        finally:
            gateway.stop()
    assert gone.status_code == 503 and "no owner of town 'town' answers" in gone.json()["error"]



def consumers(url: str) -> int:
    """How many consumers the town's stream has now."""
    async def count() -> int:
        nc = await nats.connect(url)
        try:
            return int((await nc.jetstream().stream_info("TOWN_town")).state.consumer_count)
        finally:
            await nc.close()
    return asyncio.run(count())


@pytest.mark.slow
def test_many_viewers_share_one_consumer_and_one_resuming_from_tick_0_misses_nothing(
        server: NatsServer) -> None:
    with published_and_gatewayed(server) as (served, gateway):
        before = consumers(server.url)
        stop = threading.Event()
        seen: dict[str, Seen] = {}

        def watch(name: str, query: str) -> None:
            seen[name] = read_sse(gateway.url + FLUX + query, stop=stop, seconds=SECONDS)

        live = [threading.Thread(target=watch, args=(f"v{k}", "")) for k in range(6)]
        for thread in live:
            thread.start()
        time.sleep(1.0)
        during = consumers(server.url)
        # One viewer from tick 0, joining while the others stream: replayed, then live.
        resumed = read_sse(gateway.url + FLUX + "?since=0", until_tick=served.owner.timeline
                           .cursor + 200, seconds=SECONDS)
        stop.set()
        for thread in live:
            thread.join(timeout=SECONDS)
        pause(served.owner)
        tl = served.owner.timeline
    # Six viewers, one consumer (and perhaps the one it replaced when the client restarted it).
    assert before == 0 and 1 <= during <= 2
    # The stream begins where the owner was when it attached to NATS: from there on, everything.
    first, end = resumed.events()[0]["tick"], resumed.last_tick()
    assert resumed.events() == [e.model_dump(mode="json") for e in tl.events(MAIN, first, end)]
    assert end - first > 200  # replayed from the stream, then live from the fan-out
    for got in seen.values():
        head, end = got.items[0][2]["head"], got.last_tick()
        want = [e.model_dump(mode="json") for e in tl.events(MAIN, head + 1, end)]
        assert [e for e in got.events() if e["tick"] <= end] == want
