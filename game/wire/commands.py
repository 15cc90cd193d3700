"""The wire's commands, for the command line: serve a town headless, follow a served town, serve
a town's stream from NATS (a gateway).

The command line parses the flags and opens the timeline; these run the rest. Problems a person
can fix come out as `WireError` (one line); the web stack loads only when a command needs it.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from game import limits, switches, words
from game.trace import store
from game.trace.timeline import Timeline

if TYPE_CHECKING:
    from game.wire.nats_bus import NatsLink
    from game.wire.owner import Owner
    from game.wire.serve import Served

SignalHandler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None
log = logging.getLogger(__name__)
RECONNECTS = 10  # a follower tries this many times in a row before it gives up
RECONNECT_SECONDS = 1.0


class WireError(Exception):
    """A problem with what the person asked for, in one line."""


def need_stream_extra(err: ImportError) -> WireError:
    return WireError(f"this needs the stream extra ({err.name} is missing): "
                     f"pip install 'agent-town[stream]'")


def check_bind(host: str, token: str | None) -> None:
    """Only loopback without a token: ValueError in words otherwise."""
    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        raise ValueError(f"serving on {host} needs --token (anyone who can reach it could "
                         f"deal cards): loopback (127.0.0.1) needs none")


def serve(timeline: Timeline, out: TextIO, *, host: str, port: int, token: str | None,
          speed: int, save_to: str | None = None, nats: str | None = None,
          cors: Sequence[str] = ()) -> int:
    """Serve `timeline` until Ctrl+C or SIGTERM; save its history to `save_to` on the way out.
    With `nats` ("auto" or a server's URL), publish it to NATS JetStream too."""
    try:
        from game.wire.owner import Owner
        from game.wire.serve import Served
    except ImportError as err:
        raise need_stream_extra(err) from None
    owner = Owner(timeline, switches=switches.current(), speed=speed)
    try:
        served = Served(owner, host=host, port=port, token=token, cors=cors).start()
    except (ValueError, OSError) as err:
        owner.close()
        raise WireError(str(err)) from None
    link = on_nats(owner, nats) if nats is not None else None
    out.write(f"serving {timeline.scenario} (seed {timeline.seed}) at {served.url} — "
              f"open it in a browser; Ctrl+C stops\n")
    if link is not None:
        out.write(f"publishing to NATS at {link.url} (stream {link.publisher.stream})\n")
    out.flush()
    previous = _stop_on_term(served)
    try:
        served.run_owner()
    except KeyboardInterrupt:
        pass
    finally:
        served.stop()
        if link is not None:
            link.stop()
        signal.signal(signal.SIGTERM, previous)
    if save_to is not None:
        store.save(timeline, save_to)
        out.write(f"saved: {save_to} (tick {timeline.cursor} on {timeline.current})\n")
    return 0


def on_nats(owner: Owner, where: str) -> NatsLink | None:
    """The owner's town on NATS, or None (said in one log line: the in-memory bus serves)."""
    try:
        from game.wire import nats_bus
    except ImportError as err:
        log.warning("NATS is not available (%s is missing): serving on the in-memory bus only",
                    err.name)
        return None
    return nats_bus.connect(owner, where)


def gateway(nats_url: str, out: TextIO, *, host: str, port: int, token: str | None,
            town_id: str) -> int:
    """Serve a town's stream from NATS until Ctrl+C or SIGTERM (its owner publishes there)."""
    try:
        from game.wire.gateway import Gateway
    except ImportError as err:
        raise need_stream_extra(err) from None
    try:
        served = Gateway(nats_url, town_id=town_id, host=host, port=port, token=token).check()
    except (ValueError, OSError) as err:
        raise WireError(str(err)) from None
    out.write(f"gateway to town {town_id} at {served.url} — from NATS; Ctrl+C stops\n")
    out.flush()
    # uvicorn stops on SIGINT and SIGTERM, then raises the signal again: here it has been heard.
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    try:
        served.run()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def _stop_on_term(served: Served) -> SignalHandler:
    """SIGTERM ends serving like Ctrl+C (the main thread's loop sees it and returns)."""
    def stop(_signum: int, _frame: FrameType | None) -> None:
        served.loop.stopping.set()

    if threading.current_thread() is not threading.main_thread():
        return signal.getsignal(signal.SIGTERM)
    return signal.signal(signal.SIGTERM, stop)


def follow(url: str, out: TextIO, *, ops: str = "", as_json: bool = False,
           token: str | None = None) -> int:
    """Print a served town's live stream, one line an event, reconnecting without a gap."""
    try:
        import httpx

        from game.wire.client import stream
    except ImportError as err:
        raise need_stream_extra(err) from None
    last: str | None = None
    failures = 0
    heard = False  # a town never reached is a wrong address: say so at once
    while True:
        try:
            for name, ident, data in stream(url, ops=ops, token=token, last=last):
                failures, heard = 0, True
                if ident:
                    last = ident
                line = _line(name, data, as_json)
                if line:
                    out.write(line + "\n")
                    out.flush()
            return 0  # the server ended the stream: the town stopped serving
        except httpx.HTTPStatusError as err:
            raise WireError(f"{url}: {err.response.status_code} "
                            f"{_error_of(err.response.text)}") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as err:
            raise WireError(f"{limits.shown(url)} is no town's address ({err})") from None
        except (httpx.TransportError, httpx.RemoteProtocolError) as err:
            failures += 1
            if failures > RECONNECTS or not heard:
                raise WireError(f"{url}: cannot reach the town ({type(err).__name__})") from None
            time.sleep(RECONNECT_SECONDS)


def _line(name: str, data: str, as_json: bool) -> str | None:
    """One printed line for a message (None for what a reader need not see)."""
    if as_json:
        return data
    body = json.loads(data)
    if name == "town.status":
        return (f"# {body['scenario']} seed {body['seed']}, on {body['branch']} at tick "
                f"{body['head']}, speed {body['speed']}")
    if name == "town.notice":
        return f"# {body['message']}"
    if name == "town.input":
        card = body["card"]
        targets = " ".join(card["targets"])
        return f"{card['tick']:>7} {body['branch']:<6} card {card['card']} {targets}".rstrip()
    if name == "town.tick" or not name.startswith("town."):
        return None
    event = body["event"]
    mark = "" if event["success"] else f"  ✗ {event['reason']}"
    return f"{event['tick']:>7} {body['branch']:<6} {words.shown(event['message'])}{mark}"


def _error_of(text: str) -> str:
    try:
        return str(json.loads(text)["error"])
    except (ValueError, KeyError, TypeError):
        return text[:200]

