"""The town over HTTP, served by a real uvicorn on a free loopback port: the SSE and WebSocket
streams, resuming with Last-Event-ID, every answer of perturb, and a session with cards from
three clients that re-simulates to the owner's hash."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from httpx_ws import WebSocketUpgradeError, connect_ws

from game.sim import laws
from game.sim.events import Event
from game.switches import Switches
from game.trace import store
from game.trace.timeline import MAIN, Timeline
from game.view import effects as fx
from game.view.intents import ArmCard, Choose
from game.wire.owner import Owner
from tests.reducing import fresh, run
from tests.wire import FLUX, Seen, aimed, paused, post_card, read_sse, serving
from tests.wire import PERTURB as PERTURB_PATH

BASE = "/api/v1/world/town"


def replay_of(base: str) -> tuple[Timeline, str]:
    """The served history's record, re-simulated and verified here: (timeline, head hash)."""
    record = store.SaveFile.model_validate_json(httpx.get(base + "/api/v1/world/town/trace",
                                                          timeout=30).text)
    timeline = store.build(record)
    finals = store.verify(record, timeline)
    return timeline, finals[record.current]


def pause(served_owner: object) -> None:
    owner = served_owner
    owner.call(lambda tl: setattr(owner, "speed", 0)).result(timeout=10)  # type: ignore[attr-defined]


def as_events(seen: Seen) -> list[Event]:
    return [Event.model_validate(e) for e in seen.events()]


def test_the_stream_opens_with_the_status_then_every_event_in_order() -> None:
    with serving(speed=16) as served:
        seen = read_sse(served.url + FLUX, until_tick=120)
    name, ident, status = seen.items[0]
    assert name == "town.status" and ident == ""
    assert (status["scenario"], status["seed"], status["branch"]) == ("town", 7, MAIN)
    assert status["features"] == {"isometric": True, "trace_replay": True, "perturbation": True}
    events = seen.events()
    assert len(events) > 10
    keys = [(e["tick"], e["seq"]) for e in events]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for name, ident, body in seen.items[1:]:
        if name == "town.tick":
            assert set(body) >= {"tick", "hash", "branch"} and "event" not in body
        elif "event" in body:
            e = body["event"]
            assert name == f"town.{body['phase']}.{e['op']}"
            assert ident == f"main:e{e['tick']}.{e['seq']}"
            assert set(body) == {"v", "town_id", "branch", "phase", "sent", "event"}
            assert "sent" not in e  # wall-clock time lives in the envelope only


def test_a_client_that_reconnects_with_last_event_id_misses_nothing_and_sees_nothing_twice(
) -> None:
    with serving(speed=16) as served:
        first = read_sse(served.url + FLUX, events=40)
        last = first.ids()[-1]
        time.sleep(0.5)  # the town runs on while nobody listens, and a card is played
        played = post_card(served.url, {"card": "storm"}).json()["tick"]
        time.sleep(0.5)
        second = read_sse(served.url + FLUX, until_tick=played + 20,
                          headers={"Last-Event-ID": last})
        since = read_sse(served.url + FLUX + f"?since={played}", until_tick=played + 1)
        pause(served.owner)
        replay, _ = replay_of(served.url)
    # The card comes back as it went out live: its input before the events of its tick.
    for heard in (second, since):
        names = [(n, d.get("card", {}).get("tick")) for n, _, d in heard.items]
        at = names.index(("town.input", played))
        assert all(d["event"]["tick"] >= played for n, _, d in heard.items[at + 1:]
                   if "event" in d)
        assert names.count(("town.input", played)) == 1
    got = as_events(first) + as_events(second)
    start, end = got[0].tick, second.last_tick()
    want = [e for e in replay.events(MAIN, start=start, end=end)]
    assert [e.id for e in got if e.tick <= end] == [e.id for e in want]
    assert [e for e in got if e.tick <= end] == want


def test_filters_pick_branch_kinds_and_a_start_tick() -> None:
    with serving(speed=16) as served:
        greets = read_sse(served.url + FLUX + "?ops=greet,gossip", events=10)
        assert {e["op"] for e in greets.events()} <= {"greet", "gossip"}
        since = read_sse(served.url + FLUX + "?since=5", events=5)
        first = served.owner.call(lambda tl: tl.events(MAIN, start=5)[0]).result(timeout=10)
        assert since.events()[0] == first.model_dump(mode="json")
        bad = httpx.get(served.url + FLUX + "?ops=juggle", timeout=10)
        assert bad.status_code == 400 and "unknown event kind 'juggle'" in bad.json()["error"]
        nowhere = httpx.get(served.url + FLUX + "?branch=zz", timeout=10)
        assert nowhere.status_code == 404 and nowhere.json() == {"error": "no branch named 'zz'"}
        alias = read_sse(served.url + "/v1/town/town/events", events=3)
        assert len(alias.events()) == 3
        assert httpx.get(served.url + "/v1/town/elsewhere/events", timeout=10).status_code == 404


def test_perturb_answers_every_status_in_words() -> None:
    with serving(speed=16) as served:
        base = served.url
        ok = post_card(base, {"card": "festival"}, client="a")
        assert ok.status_code == 202, ok.text
        assert set(ok.json()) == {"tick", "branch", "index"} and ok.json()["branch"] == MAIN
        with paused(served.owner):  # a pair the laws take: awake, and not both walking
            seeds = post_card(base, {"operation": "greet",
                                     "participants": aimed(served.owner, "greet", 2)}, client="b")
        assert seeds.status_code == 202, seeds.text
        again = post_card(base, {"card": "storm"}, client="a")
        assert again.status_code == 429 and 0 < again.json()["remaining_ms"] <= 1000
        unknown = post_card(base, {"card": "greet", "targets": ["zed"]}, client="c")
        assert unknown.status_code == 422
        assert unknown.json()["error"] == "card 'greet': unknown citizen 'zed'"
        for body in ('{"card":', '{"card": 3}', '{"card": "x", "extra": 1}', "[]"):
            bad = post_card(base, body, client="c")
            assert bad.status_code == 422 and "\n" not in bad.json()["error"], body
        for body, says in (({"card": "rumour"}, "unknown card 'rumour' (cards: greet,"),
                           ({"card": "FESTIVAL"}, "unknown card 'FESTIVAL'"),
                           ({"card": "greet", "targets": ["ada", "bruno", "clara"]},
                            "greet takes at most 2 targets (first, second), got 3"),
                           ({"card": "greet", "operation": "trade"},
                            "give card or operation, not both")):
            bad = post_card(base, body, client="c")
            assert bad.status_code == 422 and says in bad.json()["error"], bad.text
        huge = post_card(base, json.dumps({"card": "festival", "pad": "x" * 10_000}), client="c")
        assert huge.status_code == 413
        pause(served.owner)
        served.owner.call(lambda tl: tl.seek(tl.cursor - 10)).result(timeout=10)
        past = post_card(base, {"card": "festival"}, client="d")
        assert past.status_code == 409 and "in the past" in past.json()["error"]


def test_a_card_aimed_at_a_resting_citizen_is_refused_in_the_windows_words_and_not_recorded(
) -> None:
    night = Timeline("town", 7)
    night.advance(1400)  # the middle of the night: most of the town rests
    flux = night.flux
    sleeper = next(i for i in range(flux.state.n) if laws.resting(flux.state, i))
    awake = laws.eligible("greet", flux.state)[0]
    ids = {i: flux.citizens[i].id for i in (sleeper, awake)}
    # What the window's toast says when the sleeper is clicked as the greet's second target.
    _, toast = run(fresh(0), ArmCard("greet"), Choose(awake),
                   Choose(sleeper, refusal=laws.target_refusal(flux, "greet", [awake], sleeper)))
    with serving(speed=0, timeline=night) as served:
        url = served.url
        refused = post_card(url, {"card": "greet", "targets": [ids[awake], ids[sleeper]]}, "a")
        first = post_card(url, {"operation": "teach", "participants": [ids[sleeper]]}, "a")
        picked = post_card(url, {"card": "greet"}, "a")  # no targets: the flux picks
        woken = post_card(url, {"card": "wake", "targets": [ids[sleeper]]}, "b")
        recorded = served.owner.call(
            lambda tl: [(p.card, p.targets) for p in tl.perturbations()]).result(timeout=10)
    name = flux.name(sleeper)
    assert toast == [fx.Say(f"Greet: rest: {name} is resting", error=True)]
    assert (refused.status_code, refused.json()) == (422, {"error": toast[0].text})
    assert (first.status_code, first.json()) == (422, {"error": f"Teach: rest: {name} is resting"})
    assert picked.status_code == 202 and woken.status_code == 202, (picked.text, woken.text)
    assert recorded == [("greet", ()), ("wake", (ids[sleeper],))]


def test_a_token_guards_every_route_and_switches_turn_things_off() -> None:
    with serving(token="s3cret") as served:
        assert post_card(served.url, {"card": "festival"}).status_code == 401
        assert httpx.get(served.url + FLUX, timeout=10).status_code == 401
        assert post_card(served.url, {"card": "festival"}, token="s3cret").status_code == 202
        seen = read_sse(served.url + FLUX + "?token=s3cret", events=1)
        assert seen.events()
    off = Switches(perturbation=False, trace_replay=False)
    with serving(switches=off) as served:
        refused = post_card(served.url, {"card": "festival"})
        assert refused.status_code == 403 and "switched off" in refused.json()["error"]
        assert httpx.get(served.url + FLUX + "?since=0", timeout=10).status_code == 403
        status = read_sse(served.url + FLUX, events=1).items[0][2]
        assert status["features"] == {"isometric": True, "trace_replay": False,
                                      "perturbation": False}


def test_with_a_token_the_socket_the_record_the_state_the_status_and_the_alias_need_it() -> None:
    bearer = {"Authorization": "Bearer s3cret"}
    routes = [f"{BASE}/trace", f"{BASE}/state", f"{BASE}/status", "/v1/town/town/events"]
    with serving(token="s3cret") as served:
        url = served.url
        refused = [httpx.get(url + r, timeout=10) for r in routes]
        socket = url.replace("http", "ws", 1) + f"{BASE}/ws"
        with pytest.raises(WebSocketUpgradeError) as unknown, connect_ws(socket):
            pass
        with pytest.raises(WebSocketUpgradeError) as wrong, connect_ws(socket + "?token=s3c"):
            pass
        answered = [httpx.get(url + r, headers=bearer, timeout=30) for r in routes[:3]]
        alias = read_sse(url + routes[3], events=1, headers=bearer)
        with connect_ws(socket, headers=bearer) as ws:
            by_header = json.loads(ws.receive_text(timeout=10))["event"]
        with connect_ws(socket + "?token=s3cret") as ws:
            by_query = json.loads(ws.receive_text(timeout=10))["event"]
    needs = {"error": "this town needs its token"}
    assert [(r.status_code, r.json()) for r in refused] == [(401, needs)] * 4
    # The socket is refused at the handshake with the same 401.
    assert [e.value.response.status_code for e in (unknown, wrong)] == [401, 401]
    assert [r.status_code for r in answered] == [200] * 3
    assert store.SaveFile.model_validate_json(answered[0].text).scenario == "town"
    assert "scatter" in answered[1].json() and answered[2].json()["town_id"] == "town"
    assert alias.items[0][0] == "town.status" and len(alias.events()) == 1
    assert by_header == by_query == "town.status"


def test_the_websocket_streams_the_same_events_and_takes_cards() -> None:
    with serving(speed=16) as served:
        url = served.url.replace("http", "ws") + "/api/v1/world/town/ws"
        frames = []
        answer = None
        with connect_ws(url) as ws:
            ws.send_text(json.dumps({"card": "festival"}))
            while answer is None or len(frames) < 30:
                frame = json.loads(ws.receive_text(timeout=10))
                if frame.get("type") == "perturb":
                    answer = frame
                else:
                    frames.append(frame)
            # Bad cards and frames are answered on the socket, which stays open.
            for bad in ('{"card": "rumour"}', b"\x00\x01", "not json"):
                if isinstance(bad, bytes):
                    ws.send_bytes(bad)
                else:
                    ws.send_text(bad)
                said = json.loads(ws.receive_text(timeout=10))
                while said.get("type") != "perturb":
                    said = json.loads(ws.receive_text(timeout=10))
                assert said["status"] == 422 and said["error"], said
            assert json.loads(ws.receive_text(timeout=10))  # the stream goes on
        assert frames[0]["event"] == "town.status"
        assert answer == {"type": "perturb", "status": 202, "tick": answer["tick"],
                          "branch": MAIN, "index": 0}
        events = [f["data"]["event"] for f in frames if "event" in f["data"]]
        assert [f["id"] for f in frames if f["id"]] == [f"main:{e['id']}" for e in events]


def test_cards_from_three_clients_replay_to_the_owners_hash_and_every_client_saw_the_replay(
) -> None:
    with serving(speed=16) as served:
        stop = threading.Event()
        with ThreadPoolExecutor(3) as pool:
            watchers = [pool.submit(read_sse, served.url + FLUX, stop=stop) for _ in range(3)]
            deadline = time.monotonic() + 20
            while served.owner.hub.count() < 3:  # every watcher subscribed before any card
                assert time.monotonic() < deadline, "the watchers never subscribed"
                time.sleep(0.02)
            aims = [("a", "festival", 0), ("b", "rumor", 1), ("c", "greet", 2), ("a", "storm", 0),
                    ("b", "solo", 1)]
            cards, answers = [], []
            for client, card, count in aims:
                with paused(served.owner):  # targets the laws take when the card arrives
                    body = {"card": card, "targets": aimed(served.owner, card, count)}
                    answers.append(post_card(served.url, body, client=client))
                cards.append((client, body))
                time.sleep(0.6)
            time.sleep(1.0)
            stop.set()
            seen = [w.result(timeout=30) for w in watchers]
        pause(served.owner)
        owner_hash = served.owner.call(lambda tl: tl.flux.state_hash()).result(timeout=10)
        replay, head_hash = replay_of(served.url)
    assert [a.status_code for a in answers] == [202] * 5, [a.text for a in answers]
    assert head_hash == owner_hash
    played = [(p.card, p.targets) for p in replay.perturbations(MAIN)]
    assert played == [(b["card"], tuple(b.get("targets", ()))) for _, b in cards]
    for client in seen:
        got = as_events(client)
        start, end = client.items[0][2]["head"] + 1, got[-1].tick
        assert got[0].tick >= start
        # Up to the last complete tick the client heard: exactly the replay's events.
        want = replay.events(MAIN, start=start, end=end - 1)
        assert [e for e in got if e.tick < end] == want
        inputs = [d["card"]["card"] for n, _, d in client.items if n == "town.input"]
        assert inputs == [b["card"] for _, b in cards]


def test_the_page_is_served_at_the_root() -> None:
    with serving(speed=1) as served:
        page = httpx.get(served.url + "/", timeout=10)
    assert page.status_code == 200 and "EventSource" in page.text and "/perturb" in page.text


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5"])
def test_binding_beyond_loopback_needs_a_token(host: str) -> None:
    from game.wire.commands import check_bind
    with pytest.raises(ValueError, match="needs --token"):
        check_bind(host, None)
    check_bind(host, "t")


def test_the_switches_are_read_from_either_name_and_ours_win() -> None:
    from game.switches import read
    assert read({}) == Switches()
    assert read({"AGENT_TOWN_PERTURBATION_ENABLED": "0"}).perturbation is False
    assert read({"KGENTS_TRACE_REPLAY_ENABLED": "false"}).trace_replay is False
    assert read({"KGENTS_ISOMETRIC_ENABLED": "0", "AGENT_TOWN_ISOMETRIC_ENABLED": "1"}).isometric


def test_state_is_the_projections_document_of_the_owners_town() -> None:
    from game.projections.document import document, to_data
    with serving(speed=16) as served:
        assert post_card(served.url, {"card": "rumor", "targets": ["igor"]}).status_code == 202
        time.sleep(1.0)
        pause(served.owner)
        got = httpx.get(served.url + "/api/v1/world/town/state?lod=3", timeout=30)
        bad = httpx.get(served.url + "/api/v1/world/town/state?lod=9", timeout=30)
        at = served.owner.call(lambda tl: (tl.current, tl.cursor)).result(timeout=10)
        replay, _ = replay_of(served.url)
    assert got.status_code == 200 and bad.status_code == 400
    assert "level of detail" in bad.json()["error"]
    replay.seek(at[1], at[0])
    want = json.loads(json.dumps(to_data(document(replay, 3))))
    assert got.json() == want
    assert len(got.json()["scatter"]["ids"]) == 25


def test_cors_is_off_unless_an_origin_is_allowed() -> None:
    from game.wire.serve import Served

    ask = {"Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST"}
    answers = {}
    for cors in ((), ("http://elsewhere.example",)):
        owner = Owner(Timeline("village", 1), switches=Switches())
        served = Served(owner, cors=cors).start()
        try:
            answers[cors] = [httpx.options(served.url + PERTURB_PATH, timeout=10,
                                           headers={**ask, "Origin": origin}).headers
                             for origin in ("http://elsewhere.example", "http://evil.example")]
        finally:
            served.stop()
    closed, allowed = answers[()], answers[("http://elsewhere.example",)]
    assert all("access-control-allow-origin" not in h for h in closed)
    assert allowed[0]["access-control-allow-origin"] == "http://elsewhere.example"
    assert "access-control-allow-origin" not in allowed[1]
