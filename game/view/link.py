"""The window on the network: sharing the town it owns, or joining a town served elsewhere.

A `Link` is asked three things by the app: `before_frame` (at a tick boundary, before the
frame's ticks), `horizon` (the furthest tick the window may run, None for no limit) and `deal`
(True when a card goes to a remote owner instead of the local timeline). `Sharing` makes the
window a town's owner on the wire; `Joined` re-simulates a remote town in lockstep from its input
log, checks its heartbeat hashes, and sends cards to its owner.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from game import switches
from game.sim.cards import Perturbation
from game.trace import store
from game.trace.timeline import Timeline
from game.view.effects import Say

if TYPE_CHECKING:
    from game.wire.client import TownClient
    from game.wire.nats_bus import NatsLink
    from game.wire.owner import Owner
    from game.wire.serve import Served

Sayer = Callable[[Say], None]


class Link(Protocol):
    def before_frame(self, timeline: Timeline, speed: int, say: Sayer) -> None: ...

    def horizon(self, timeline: Timeline) -> int | None: ...

    def after_ticks(self) -> None: ...

    def deal(self, card: str, targets: list[str]) -> bool: ...

    def close(self) -> None: ...


class Sharing:
    """The window owns its town on the wire: remote cards play between frames, like clicks."""

    def __init__(self, owner: Owner, served: Served, nats: NatsLink | None = None) -> None:
        self.owner = owner
        self.served = served
        self.nats = nats  # published to NATS JetStream too, when asked and reachable

    @classmethod
    def start(cls, timeline: Timeline, *, host: str, port: int, token: str | None,
              speed: int, nats: str | None = None) -> Sharing:
        from game.wire.commands import on_nats
        from game.wire.owner import Owner
        from game.wire.serve import Served

        owner = Owner(timeline, switches=switches.current(), speed=speed)
        served = Served(owner, host=host, port=port, token=token).start()
        return cls(owner, served, on_nats(owner, nats) if nats is not None else None)

    def before_frame(self, timeline: Timeline, speed: int, say: Sayer) -> None:
        if self.owner.timeline is not timeline:  # the window opened another history
            self.owner.rebind(timeline)
        self.owner.speed = speed
        self.owner.pump()

    def horizon(self, timeline: Timeline) -> int | None:
        return None

    def after_ticks(self) -> None:
        self.owner.flush()  # the frame's ticks go out together

    def deal(self, card: str, targets: list[str]) -> bool:
        return False

    def close(self) -> None:
        self.served.stop()
        if self.nats is not None:
            self.nats.stop()


class Joined:
    """The window follows a remote town: its cards and heartbeats, re-simulated here."""

    def __init__(self, client: TownClient, timeline: Timeline, following: str) -> None:
        self.client = client
        self.timeline = timeline
        self.following = following  # the owner's branch the window keeps up with
        self.heads: dict[str, int] = {b.name: b.head for b in timeline.branches.values()}
        self.expected: dict[tuple[str, int], str] = {}
        self.desync: str | None = None
        self._answers: list[Say] = []
        self._lock = threading.Lock()
        self._told_lost = self._told_desync = False
        timeline.recorders.append(self._check)

    @classmethod
    def connect(cls, url: str, token: str | None = None) -> Joined:
        """Join the town at `url`: its record re-simulated and verified here, then its stream.
        OSError or store.SaveError in words when it cannot."""
        from game.wire.client import TownClient

        client = TownClient(url, token).start()
        name, status = client.first()
        if name != "town.status":
            raise OSError(f"{url}: not an Agent Town stream")
        record = client.record()
        timeline = store.build(record, url)
        store.verify(record, timeline, url)
        timeline.seek(timeline.branches[record.current].head, record.current)
        return cls(client, timeline, str(status["branch"]))

    def before_frame(self, timeline: Timeline, speed: int, say: Sayer) -> None:
        for name, body in self.client.take():
            self._hear(name, body, say)
        with self._lock:
            answers, self._answers = self._answers, []
        for answer in answers:
            say(answer)
        if self.client.lost is not None and not self._told_lost:
            self._told_lost = True
            say(Say(f"{self.client.lost}: this window keeps its copy", error=True))
        if self.desync is not None and not self._told_desync:
            self._told_desync = True
            say(Say(self.desync, error=True))

    def _hear(self, name: str, body: dict[str, Any], say: Sayer) -> None:
        branch = str(body.get("branch", ""))
        if name == "town.input":
            self._input(body, say)
        elif name == "town.tick":
            tick = int(body["tick"])
            if body.get("hash"):
                self.expected[(branch, tick)] = str(body["hash"])
            self.heads[branch] = max(self.heads.get(branch, 0), tick)
        elif "event" in body:
            self.heads[branch] = max(self.heads.get(branch, 0), int(body["event"]["tick"]))

    def _input(self, body: dict[str, Any], say: Sayer) -> None:
        tl, branch = self.timeline, str(body["branch"])
        card = Perturbation.model_validate(body["card"])
        if branch not in tl.branches:
            tl.add_branch(branch, str(body["parent"]), int(body["fork_tick"]), [],
                          f"{card.card} at tick {card.tick}")
            self.heads[branch] = int(body["fork_tick"])
            if tl.current == self.following and tl.cursor >= tl.branch.head:
                say(Say(f"the owner forked {branch} at tick {body['fork_tick']}"))
            self.following = branch
        if int(body["index"]) >= len(tl.branches[branch].perturbations):
            tl.extend(branch, card)

    def _check(self, branch: str, tick: int, _events: list[Any]) -> None:
        want = self.expected.get((branch, tick))
        if want is not None and self.desync is None:
            got = self.timeline.flux.state_hash()
            if got != want:
                self.desync = (f"desync at tick {tick} on {branch}: this window's town is "
                               f"{got[:12]}, the owner's {want[:12]}")

    def horizon(self, timeline: Timeline) -> int | None:
        return self.heads.get(timeline.current, timeline.branch.head)

    def after_ticks(self) -> None:
        """A joined window publishes nothing: the owner does."""

    def deal(self, card: str, targets: list[str]) -> bool:
        """Send the card to the owner on a thread; its answer shows at the next frame."""
        def send() -> None:
            try:
                status, body = self.client.post(card, targets)
                said = (Say(f"{card} plays at tick {body['tick']} on {body['branch']}")
                        if status == 202 else Say(f"the owner refused {card}: "
                                                  f"{body.get('error', status)}", error=True))
            except Exception as err:  # the network's trouble, told in the window
                said = Say(f"cannot reach the owner ({type(err).__name__})", error=True)
            with self._lock:
                self._answers.append(said)
        threading.Thread(target=send, name="deal", daemon=True).start()
        return True

    def close(self) -> None:
        self.client.stop()
