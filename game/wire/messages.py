"""What travels on the wire: envelopes around events, heartbeats, inputs, status, card requests.

An event travels as the simulation's own `Event` JSON inside an envelope `{v, town_id, branch,
phase, event}`; wall-clock time lives only in the envelope (`sent`), never in an event. A
`Message` is one envelope already encoded, with what the bus and the streams route by (subject,
stream name, id): encoded once, sent to every viewer.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from game.sim.cards import Perturbation, check_card
from game.sim.events import EVENT_KINDS, Event
from game.sim.flux import TownFlux

WIRE_VERSION = 1
MAX_BODY_BYTES = 4096  # a card request is a few dozen bytes; anything larger is refused
MAX_TARGETS = 8


@dataclass(frozen=True)
class Message:
    """One encoded envelope and its routing: `kind` is "event", "tick", "input" or "status"."""

    kind: str
    branch: str
    tick: int
    seq: int  # the event's seq (-1 for a heartbeat or status; the card's index for an input)
    op: str  # the event's op, or the kind
    name: str  # the stream's event name: town.<phase>.<op>, town.tick, town.input, town.status
    id: str | None  # <branch>:e<tick>.<seq> for an event: what Last-Event-ID names
    data: str  # the envelope as JSON

    @cached_property
    def sse(self) -> bytes:
        """The message as a Server-Sent Event, encoded once for every viewer."""
        ident = f"id: {self.id}\r\n" if self.id else ""
        return f"{ident}event: {self.name}\r\ndata: {self.data}\r\n\r\n".encode()

    @cached_property
    def frame(self) -> str:
        """The message as a WebSocket text frame, encoded once for every viewer."""
        return f'{{"event":"{self.name}","id":{json.dumps(self.id)},"data":{self.data}}}'

    def subject(self, town_id: str) -> str:
        """The NATS subject: town.<town_id>.<branch>.<phase>.<op>, …tick, …input."""
        tail = self.name.removeprefix("town.")
        return f"town.{town_id}.{self.branch}.{tail}"


def phase_name(tick: int) -> str:
    """The phase of the day at `tick`, as subjects and stream names spell it: "morning"."""
    return TownFlux.phase_of(tick).name.lower()


def event_id(branch: str, tick: int, seq: int) -> str:
    return f"{branch}:{Event.make_id(tick, seq)}"


def parse_event_id(text: str) -> tuple[str, int, int]:
    """(branch, tick, seq) from `<branch>:e<tick>.<seq>`; ValueError in words otherwise."""
    branch, sep, rest = text.rpartition(":")
    tick, dot, seq = rest.removeprefix("e").partition(".")
    if not (sep and branch and rest.startswith("e") and dot and tick.isdigit() and seq.isdigit()
            and len(rest) <= 24):
        raise ValueError(f"not an event id: {text[:40]!r} (expected <branch>:e<tick>.<seq>)")
    return branch, int(tick), int(seq)


def parse_ops(text: str) -> frozenset[str] | None:
    """An `ops=greet,gossip` filter: the kinds named (None: every kind); ValueError in words."""
    if not text.strip():
        return None
    ops = frozenset(o.strip() for o in text.split(",") if o.strip())
    unknown = sorted(ops - set(EVENT_KINDS))
    if unknown:
        kinds = ", ".join(EVENT_KINDS)
        raise ValueError(f"unknown event kind {unknown[0][:40]!r} (kinds: {kinds})")
    return ops


def _encode(body: dict[str, Any]) -> str:
    return json.dumps(body, separators=(",", ":"))


def event_message(town_id: str, branch: str, event: Event) -> Message:
    phase = phase_name(event.tick)
    body = {"v": WIRE_VERSION, "town_id": town_id, "branch": branch, "phase": phase,
            "sent": time.time(), "event": event.model_dump(mode="json")}
    return Message("event", branch, event.tick, event.seq, event.op,
                   f"town.{phase}.{event.op}", event_id(branch, event.tick, event.seq),
                   _encode(body))


def tick_message(town_id: str, branch: str, tick: int, state_hash: str | None) -> Message:
    """A heartbeat: the town reached `tick` on `branch` (its state hash, when it was taken)."""
    body = {"v": WIRE_VERSION, "town_id": town_id, "branch": branch, "tick": tick,
            "hash": state_hash, "sent": time.time()}
    return Message("tick", branch, tick, -1, "tick", "town.tick", None, _encode(body))


def input_message(town_id: str, branch: str, parent: str | None, fork_tick: int, index: int,
                  card: Perturbation) -> Message:
    """An accepted card, the input log a lockstep viewer re-simulates from."""
    body = {"v": WIRE_VERSION, "town_id": town_id, "branch": branch, "parent": parent,
            "fork_tick": fork_tick, "index": index, "sent": time.time(),
            "card": card.model_dump(mode="json")}
    return Message("input", branch, card.tick, index, "input", "town.input", None, _encode(body))


def status_message(status: dict[str, Any]) -> Message:
    body = {"v": WIRE_VERSION, **status}
    return Message("status", str(status["branch"]), int(status["head"]), -1, "status",
                   "town.status", None, _encode(body))


def notice_message(branch: str, text: str) -> Message:
    """A word from the server to one viewer (e.g. that it fell behind and was dropped)."""
    return Message("notice", branch, -1, -1, "notice", "town.notice", None,
                   _encode({"v": WIRE_VERSION, "message": text}))


class CardRequest(BaseModel):
    """A card from outside: `{"card", "targets"}`, or the seeds' `{"operation", "participants"}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    card: str = Field(min_length=1, max_length=32)
    targets: tuple[str, ...] = Field(default=(), max_length=MAX_TARGETS)

    @model_validator(mode="before")
    @classmethod
    def _seed_names(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("operation" in data or "participants" in data):
            for ours, theirs in (("card", "operation"), ("targets", "participants")):
                if ours in data and theirs in data:
                    raise ValueError(f"give {ours} or {theirs}, not both")
            renamed = {k: v for k, v in data.items() if k not in ("operation", "participants")}
            if "operation" in data:
                renamed["card"] = data["operation"]
            if "participants" in data:
                renamed["targets"] = data["participants"]
            return renamed
        return data

    @model_validator(mode="after")
    def _a_card_with_its_targets(self) -> CardRequest:
        check_card(self.card, self.targets)  # an unknown card, or too many targets: in words
        return self
