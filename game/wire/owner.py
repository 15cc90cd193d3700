"""The owner of a town: the one thread that holds its timeline, and everything others ask of it.

Other threads (the HTTP server, a NATS responder) never touch the timeline: they hand the owner
a job (`call`) and wait for its future. The owner runs the jobs at a tick boundary (`pump`), so a
remote card is played exactly like a click — its targets judged by the laws on the state it is
played into (`laws.aim_refusal`, the window's words), then `Timeline.play` at the cursor, running
in the next tick — and lands in the history that `.town` files save. Each newly recorded tick (the
timeline's recorder hook) becomes one batch of messages for every publisher: its events, its
cards (the input log), and every `HEARTBEAT_TICKS` a heartbeat with the state hash.
"""

from __future__ import annotations

import gc
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError

from game import limits
from game.sim import laws
from game.sim.cards import Perturbation
from game.sim.events import Event
from game.switches import Switches
from game.trace.timeline import Timeline
from game.userfiles.jsonfile import first_problem
from game.wire import messages as msg
from game.wire.bus import MemoryBus, Publisher, Subscription

T = TypeVar("T")
log = logging.getLogger(__name__)

INBOX_LIMIT = 1024  # jobs waiting for the owner; past it, callers are told the town is busy
HEARTBEAT_TICKS = 20  # one heartbeat a second of town time at 1×
HASH_EVERY_SECONDS = 0.05  # a heartbeat carries the state hash at most this often (it costs)
FLUSH_TICKS = 32  # recorded ticks held for one write at most (a 16× frame holds about 5)
CARD_COOLDOWN_SECONDS = 1.0  # a remote client's cards, one per this long
# How long another thread (the HTTP server's, writing to viewers) may hold the interpreter
# while the owner waits for it: Python's default, 5 ms, cost a window serving ten viewers
# whole milliseconds of a frame each time the server had something to write.
SWITCH_SECONDS = 0.001


class Refused(Exception):
    """A request the owner turns down: the HTTP status, one line of why, and extra fields."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


@dataclass(frozen=True)
class Accepted:
    """Where a remote card landed: it runs at `tick` on `branch`, the `index`-th card there."""

    tick: int
    branch: str
    index: int


@dataclass(frozen=True)
class Cursor:
    """Where a new viewer starts: after an event (Last-Event-ID) or at a tick (`since=`)."""

    after: tuple[str, int, int] | None = None
    since: int | None = None
    branch: str | None = None


class Owner:
    """The one writer of a timeline, and the hub its viewers subscribe to."""

    def __init__(self, timeline: Timeline, *, town_id: str = "town", switches: Switches,
                 speed: int = 1, publishers: Sequence[Publisher] = (),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.timeline = timeline
        self.town_id = town_id
        self.switches = switches
        self.speed = speed
        self.hub = MemoryBus()
        self.publishers: list[Publisher] = [self.hub, *publishers]
        self._clock = clock
        self._inbox: queue.Queue[Callable[[], None]] = queue.Queue(INBOX_LIMIT)
        self._wake = threading.Event()
        self._last_card: dict[str, float] = {}
        self._hashed_at = -HASH_EVERY_SECONDS
        self._pending: list[list[msg.Message]] = []  # recorded, not yet published
        self._pending_ticks = 0
        timeline.recorders.append(self._record)
        # What exists now (the town, the libraries, the server) lives as long as the owner: a
        # full garbage collection walking it all stalled the owner 50–95 ms on a busy machine.
        gc.freeze()
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_SECONDS))

    # --- any thread ----------------------------------------------------------------------------

    def call(self, job: Callable[[Timeline], T]) -> Future[T]:
        """Run `job(timeline)` on the owner's thread at the next tick boundary."""
        done: Future[T] = Future()

        def run() -> None:
            if done.set_running_or_notify_cancel():
                try:
                    done.set_result(job(self.timeline))
                except BaseException as err:  # handed to the caller, who decides
                    done.set_exception(err)

        try:
            self._inbox.put_nowait(run)
        except queue.Full:
            done.set_exception(Refused(503, "the town is busy: too many requests waiting"))
        self._wake.set()
        return done

    def play(self, request: msg.CardRequest, client: str) -> Future[Accepted]:
        """A card from `client`, played at the cursor like a click (checked on the owner)."""
        return self.call(lambda tl: self._play(tl, request, client))

    def subscribe(self, sub: Subscription, cursor: Cursor) -> Future[None]:
        """Start `sub` with the town's status and what it missed, then every new batch: done on
        the owner's thread, so nothing falls between the backlog and the live stream."""
        return self.call(lambda tl: self._subscribe(tl, sub, cursor))

    def wait(self, seconds: float) -> None:
        """Sleep until `seconds` pass or a job arrives."""
        self._wake.wait(max(0.0, seconds))
        self._wake.clear()

    # --- the owner's thread --------------------------------------------------------------------

    def pump(self) -> int:
        """Publish what was recorded, then run every job waiting (call between ticks only, on
        the owner's thread). Returns how many jobs ran."""
        self.flush()  # first: a viewer subscribing now must not get these ticks twice
        ran = 0
        while True:
            try:
                job = self._inbox.get_nowait()
            except queue.Empty:
                return ran
            job()
            ran += 1

    def status(self) -> dict[str, Any]:
        tl = self.timeline
        return {"town_id": self.town_id, "scenario": tl.scenario, "seed": tl.seed,
                "branch": tl.current, "head": tl.branch.head, "cursor": tl.cursor,
                "speed": self.speed, "branches": list(tl.branches),
                "features": self.switches.as_dict()}

    def rebind(self, timeline: Timeline) -> None:
        """Own another timeline (the window opened a file): viewers hear its status anew."""
        self.flush()
        if self._record in self.timeline.recorders:
            self.timeline.recorders.remove(self._record)
        self.timeline = timeline
        timeline.recorders.append(self._record)
        self.hub.publish([msg.status_message(self.status())])

    def close(self) -> None:
        self.flush()
        if self._record in self.timeline.recorders:
            self.timeline.recorders.remove(self._record)
        for p in self.publishers:
            p.close()

    def _play(self, tl: Timeline, request: msg.CardRequest, client: str) -> Accepted:
        if not self.switches.perturbation:
            raise Refused(403, "perturbation is switched off for this town")
        if tl.cursor < tl.branch.head:
            raise Refused(409, f"the owner is looking at tick {tl.cursor}, in the past of "
                               f"{tl.current} (head {tl.branch.head}): cards wait for the head")
        try:  # a bad card is told so, and costs no cooldown
            card = Perturbation(tick=tl.cursor + 1, card=request.card, targets=request.targets)
            tl.flux.check(card)
        except ValidationError as err:
            raise Refused(422, first_problem(err)[1]) from None
        except ValueError as err:
            raise Refused(422, limits.one_line(str(err))) from None
        # Judged on the state the card is played into, as the window judges a click: a target
        # the laws refuse is told so in the toast's words, and nothing is recorded.
        aimed = [tl.flux.index[t] for t in card.targets]
        if (refusal := laws.aim_refusal(tl.flux, card.card, aimed)) is not None:
            raise Refused(422, refusal)
        now = self._clock()
        left = self._last_card.get(client, -CARD_COOLDOWN_SECONDS) + CARD_COOLDOWN_SECONDS - now
        if left > 0:
            raise Refused(429, f"cards from one client are {CARD_COOLDOWN_SECONDS:g} s apart",
                          remaining_ms=int(left * 1000) + 1)
        try:
            branch = tl.play(card)
        except (ValueError, limits.LimitError) as err:
            raise Refused(422, limits.one_line(str(err))) from None
        self._last_card[client] = now
        tick = tl.cursor + 1
        index = sum(1 for p in tl.branches[branch].perturbations if p.tick <= tick) - 1
        return Accepted(tick, branch, index)

    def _subscribe(self, tl: Timeline, sub: Subscription, cursor: Cursor) -> None:
        backlog = [msg.status_message(self.status())]
        if cursor.branch is not None and cursor.branch not in tl.branches:
            raise Refused(404, f"no branch named {limits.shown(cursor.branch)}")
        if cursor.after is not None:
            branch, tick, seq = cursor.after
            if branch not in tl.branches:
                raise Refused(404, f"no branch named {limits.shown(branch)}")
            backlog += self._replay(tl, branch, tick + 1, [
                msg.event_message(self.town_id, branch, e)
                for e in tl.events(branch, start=tick) if (e.tick, e.seq) > (tick, seq)])
        elif cursor.since is not None:
            branch = cursor.branch or tl.current
            backlog += self._replay(tl, branch, cursor.since, [
                msg.event_message(self.town_id, tl.owner_of(branch, e.tick), e)
                for e in tl.events(branch, start=cursor.since)])
        sub.preload(backlog)
        self.hub.add(sub)

    def _replay(self, tl: Timeline, branch: str, start: int,
                events: list[msg.Message]) -> list[msg.Message]:
        """A span of branch `branch` from tick `start` as it went out live: each tick's cards
        (the input log) before its events."""
        head = tl.branches[branch].head
        inputs = {p.tick: self.inputs_at(tl.owner_of(branch, p.tick), p.tick)
                  for p in tl.perturbations(branch) if start <= p.tick <= head}
        ticks = sorted(inputs)
        out: list[msg.Message] = []
        k = 0
        for m in events:
            while k < len(ticks) and ticks[k] <= m.tick:
                out += inputs[ticks[k]]
                k += 1
            out.append(m)
        return out + [i for t in ticks[k:] for i in inputs[t]]

    def batch_of(self, branch: str, tick: int, events: Sequence[Event],
                 state_hash: str | None) -> list[msg.Message]:
        """A recorded tick's messages, in the order they go out: its cards (the input log), its
        events, and on a heartbeat tick a heartbeat (carrying `state_hash`, when one was taken).
        Read on the owner's thread: as it records, and when a bus catches up from the timeline."""
        batch = self.inputs_at(branch, tick)
        batch += [msg.event_message(self.town_id, branch, e) for e in events]
        if tick % HEARTBEAT_TICKS == 0:
            batch.append(msg.tick_message(self.town_id, branch, tick, state_hash))
        return batch

    def inputs_at(self, branch: str, tick: int) -> list[msg.Message]:
        """The input log's messages of the cards branch `branch` runs at `tick` (its own)."""
        cards = self.timeline.cards_at(branch, tick)
        if not cards:
            return []
        owned = self.timeline.branches[branch]
        first = sum(1 for p in owned.perturbations if p.tick < tick)
        return [msg.input_message(self.town_id, branch, owned.parent, owned.fork_tick,
                                  first + k, p) for k, p in enumerate(cards)]

    def _record(self, branch: str, tick: int, events: list[Event]) -> None:
        """The timeline's recorder: one batch per newly recorded tick, to every publisher."""
        state_hash = None
        if tick % HEARTBEAT_TICKS == 0:
            now = self._clock()
            if now - self._hashed_at >= HASH_EVERY_SECONDS:
                self._hashed_at = now
                state_hash = self.timeline.flux.state_hash()
        batch = self.batch_of(branch, tick, events, state_hash)
        if self._pending and self._pending[-1][0].branch == branch:
            self._pending[-1].extend(batch)
        elif batch:
            self._pending.append(batch)
        self._pending_ticks += 1
        if self._pending_ticks >= FLUSH_TICKS:  # nobody flushed for a while: don't hoard
            self.flush()

    def flush(self) -> None:
        """Hand the ticks recorded since the last flush to every publisher, a batch a branch:
        once a turn of the owner (a frame of the window), not once a tick, so a viewer gets one
        write for all the ticks of a frame."""
        pending, self._pending, self._pending_ticks = self._pending, [], 0
        for batch in pending:
            for publisher in self.publishers:
                try:
                    publisher.publish(batch)
                except Exception:  # a publisher's trouble is its own: the town goes on
                    log.exception("a publisher failed on tick %d", batch[-1].tick)
