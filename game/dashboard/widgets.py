"""What the dashboard draws from the projections' JSON document: the personality scatter (an
anywidget whose ES module is inline: no CDN), the citizen card at a level of detail, the
metrics over time and a coalition's bond graph (inline SVG), and the feed as an HTML table.

Pure functions of the document's data, except `ScatterWidget`, whose `points` the notebook
sets and whose `picked` (the clicked citizens, the last one selected) the page sets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cache
from html import escape
from typing import Any

import anywidget
import traitlets
from pydantic import TypeAdapter

from game.projections.card import Card, hidden_at
from game.projections.coalitions import CoalitionView, bond_edges
from game.projections.feedfilter import EVERY_EVENT, FeedFilter
from game.projections.history import FeedRow
from game.projections.town import clock_text

PALETTE = ("#e8684a", "#5b8ff9", "#5ad8a6", "#f6bd16", "#9270ca", "#ff9d4d", "#269a99",
           "#ff99c3", "#6dc8ec", "#b8e986")
NO_COALITION = "#8a8a99"
BRIDGE = "#ffd84a"
# The card's fields by the level of detail that brings them (game.projections.card).
METRICS = ("tension", "cooperation", "surplus", "drama")
METRIC_FORMATS = {"tension": ".3f", "cooperation": ".3f", "surplus": ".1f", "drama": ".1f"}
FEED_SHOWN = 60  # the feed's rows on the page (the filter looks through all that are kept)
MOST_PICKED = 3  # a card takes three targets at most (gossip)

ESM = """
const NS = "http://www.w3.org/2000/svg";
const W = 460, H = 400, PAD = 26;
function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "town-scatter";
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("class", "town-plane");
  const tip = document.createElement("div");
  tip.className = "town-tip";
  box.append(svg, tip);
  el.append(box);
  const pick = (p, more) => {
    const was = model.get("picked").filter((i) => i !== p.index);
    model.set("picked", more ? [...was, p.index].slice(-__MOST__) : [p.index]);
    model.save_changes();
  };
  const draw = () => {
    svg.replaceChildren();
    const picked = model.get("picked");
    const frame = document.createElementNS(NS, "rect");
    Object.entries({ x: 1, y: 1, width: W - 2, height: H - 2, rx: 10, class: "frame" })
      .forEach(([k, v]) => frame.setAttribute(k, v));
    svg.append(frame);
    for (const p of model.get("points")) {
      const c = document.createElementNS(NS, "circle");
      const on = picked.includes(p.index);
      c.setAttribute("cx", PAD + p.x * (W - 2 * PAD));
      c.setAttribute("cy", H - PAD - p.y * (H - 2 * PAD));
      c.setAttribute("r", on ? 11 : p.bridge ? 9 : 7);
      c.setAttribute("fill", p.colour);
      c.setAttribute("class", "town-point" + (p.bridge ? " bridge" : "") + (on ? " picked" : ""));
      c.dataset.index = p.index;
      c.dataset.name = p.name;
      const title = document.createElementNS(NS, "title");
      title.textContent = p.name;
      c.append(title);
      c.addEventListener("mouseenter", () => {
        const at = c.getBoundingClientRect(), from = box.getBoundingClientRect();
        tip.textContent = p.name + (p.coalition >= 0 ? ` · coalition ${p.coalition}` : "") +
          (p.bridge ? " · bridge" : "");
        tip.style.left = `${at.x - from.x + at.width / 2}px`;
        tip.style.top = `${at.y - from.y - 30}px`;
        tip.style.display = "block";
      });
      c.addEventListener("mouseleave", () => { tip.style.display = "none"; });
      c.addEventListener("click", (ev) => pick(p, ev.shiftKey));
      svg.append(c);
      if (on) {
        const label = document.createElementNS(NS, "text");
        label.setAttribute("x", +c.getAttribute("cx") + 14);
        label.setAttribute("y", +c.getAttribute("cy") + 4);
        label.textContent = p.name;
        svg.append(label);
      }
    }
  };
  model.on("change:points", draw);
  model.on("change:picked", draw);
  draw();
}
export default { render };
""".replace("__MOST__", str(MOST_PICKED))

CSS = """
.town-scatter { position: relative; width: 100%; max-width: 460px;
  font-family: system-ui, sans-serif; }
.town-scatter .town-plane { width: 100%; height: auto; display: block; }
.town-scatter .frame { fill: #1d1f2b; stroke: #33364a; }
.town-scatter .town-point { stroke: #0f1018; stroke-width: 1.2; cursor: pointer; }
.town-scatter .town-point.bridge { stroke: #ffd84a; stroke-width: 3; }
.town-scatter .town-point.picked { stroke: #ffffff; stroke-width: 3; }
.town-scatter text { fill: #f4f4f8; font-size: 13px; pointer-events: none; }
.town-scatter .town-tip { position: absolute; display: none; transform: translateX(-50%);
  background: #f4f4f8; color: #1d1f2b; padding: 2px 8px; border-radius: 6px; font-size: 13px;
  pointer-events: none; white-space: nowrap; }
"""


@cache
def _views() -> TypeAdapter[CoalitionView]:
    return TypeAdapter(CoalitionView)


@cache
def _cards() -> TypeAdapter[Card]:
    return TypeAdapter(Card)


class ScatterWidget(anywidget.AnyWidget):
    """The personality scatter: hover names a citizen, a click picks one (shift adds one)."""

    _esm = ESM
    _css = CSS
    points: traitlets.List[dict[str, Any]] = traitlets.List([]).tag(sync=True)
    picked: traitlets.List[int] = traitlets.List([]).tag(sync=True)


def colour(coalition: int) -> str:
    return PALETTE[coalition % len(PALETTE)] if coalition >= 0 else NO_COALITION


def points(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The scatter projection's columns as one record a point, with its colour."""
    s = doc["scatter"]
    bridges = set(s["bridges"])
    return [{"index": i, "id": s["ids"][i], "name": s["names"][i], "x": s["x"][i],
             "y": s["y"][i], "coalition": s["coalition"][i], "bridge": i in bridges,
             "colour": colour(s["coalition"][i])} for i in range(len(s["ids"]))]


def at_lod(card: Mapping[str, Any], lod: int) -> dict[str, Any]:
    """A card of the highest level of detail cut down to `lod`: the card projection at `lod`."""
    return dict(card, lod=lod, **dict.fromkeys(hidden_at(lod)))


def card_markdown(card: Mapping[str, Any]) -> str:
    """A citizen's card as markdown, showing what its level of detail holds."""
    lines = [f"### {card['name']}", f"`{card['id']}` · {card['doing']}", ""]
    if card.get("temper"):
        lines.append(f"**{card['temper']['archetype']}**, {card['temper']['mood']}")
    if card.get("voice"):
        v = card["voice"]
        lines += [f"*{v['worldview']}* — {v['metaphor']}", ""]
        lines += [f"> {line}" for line in v["lines"]]
    if card.get("ties"):
        bonds = ", ".join(f"{b['name']} {b['weight']:+.2f}" for b in card["ties"]["bonds"])
        lines += ["", f"**bonds**: {bonds or 'none yet'}"]
        lines += [f"- {m}" for m in card["ties"]["memories"]]
    if card.get("measures"):
        m = card["measures"]
        traits = " · ".join(f"{t['dimension']} {t['value']:.2f}" for t in m["personality"])
        lines += ["", f"surplus {m['surplus']:.1f} · reputation {m['reputation']:.3f}",
                  "", traits]
    if card.get("opacity"):
        lines += ["", f"*{card['opacity']}*"]
    return "\n".join(lines)


def metric_text(name: str, value: float) -> str:
    """A metric's value as the page writes it, in the header and over its chart alike."""
    return f"{value:{METRIC_FORMATS[name]}}"


def metrics_words(now: Mapping[str, Any]) -> str:
    """The metrics now (a document's `metrics`): "tension 0.025 · cooperation 0.220 · …"."""
    return " · ".join(f"{name} {metric_text(name, float(now[name]))}" for name in METRICS)


def metrics_svg(series: Sequence[Mapping[str, Any]], now: Mapping[str, Any], tick: int,
                width: int = 300, height: int = 64) -> str:
    """The metrics over time, one small chart each (its own scale), as inline SVG: the samples
    before `tick`, then the value `now` (a document's `metrics`), which each chart is labelled
    with, as the header says it."""
    before = [s for s in series if s["tick"] < tick]
    panels = []
    for k, name in enumerate(METRICS):
        values = [float(s[name]) for s in before] + [float(now[name])]
        panels.append(f'<div class="town-metric"><div><b>{name}</b> '
                      f'{metric_text(name, values[-1])}</div>'
                      f'{_sparkline(values, width, height, PALETTE[k])}</div>')
    return '<div class="town-metrics">' + "".join(panels) + "</div>"


def _sparkline(values: Sequence[float], width: int, height: int, stroke: str) -> str:
    box = (f'<svg width="100%" height="{height}" viewBox="0 0 {width} {height}" '
           f'preserveAspectRatio="none">'
           f'<rect width="{width}" height="{height}" rx="6" fill="#1d1f2b"/>')
    if len(values) < 2:
        return box + "</svg>"
    lo, hi = min(values), max(values)
    span = hi - lo or 1.0
    xy = " ".join(f"{4 + i * (width - 8) / (len(values) - 1):.1f},"
                  f"{height - 6 - (v - lo) / span * (height - 12):.1f}"
                  for i, v in enumerate(values))
    return box + (f'<polyline points="{xy}" fill="none" stroke="{stroke}" '
                  f'stroke-width="2"/></svg>')


def coalitions_markdown(views: Sequence[Mapping[str, Any]]) -> str:
    """Each coalition's members, a line each, the bridges in bold."""
    lines = [f"- **{v['id']}** ({len(v['members'])}): " + ", ".join(
        f"**{n}**" if i in v["bridges"] else n
        for i, n in zip(v["members"], v["names"], strict=True)) for v in views]
    return ("\n".join(lines) or "none yet") + "\n\n*bridges in bold*"


def coalition_svg(view: Mapping[str, Any], cards: Sequence[Mapping[str, Any]],
                  size: int = 300) -> str:
    """A coalition's members on a circle, a line for each bond between them (the projection's
    `bond_edges`, from the members' cards: thicker when stronger), bridges ringed."""
    members, mid, radius = view["members"], size / 2, size / 2 - 40
    at = {i: (mid + radius * math.cos(2 * math.pi * k / len(members) - math.pi / 2),
              mid + radius * math.sin(2 * math.pi * k / len(members) - math.pi / 2))
          for k, i in enumerate(members)}
    hue = colour(view["number"])
    parts = [f'<svg class="town-bonds" width="{size}" height="{size}" '
             f'viewBox="0 0 {size} {size}"><rect width="{size}" height="{size}" rx="10" '
             f'fill="#1d1f2b"/>']
    for edge in bond_edges(_views().validate_python(view),
                           [_cards().validate_python(cards[i]) for i in members]):
        (x1, y1), (x2, y2) = at[edge.a], at[edge.b]
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                     f'stroke="{hue}" stroke-opacity="0.7" '
                     f'stroke-width="{1 + 4 * min(abs(edge.weight), 1.0):.1f}"/>')
    for i, name in zip(members, view["names"], strict=True):
        x, y = at[i]
        ring = BRIDGE if i in view["bridges"] else "#0f1018"
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{hue}" stroke="{ring}" '
                     f'stroke-width="3"/><text x="{x:.1f}" y="{y + 22:.1f}" fill="#f4f4f8" '
                     f'font-size="12" text-anchor="middle">{escape(name)}</text>')
    return "".join(parts) + "</svg>"


def feed_wanted(words: str = "", cards_only: bool = False) -> FeedFilter:
    """The feed filter the page's box and checkbox ask for: rows holding every one of `words`
    (in their text, operation or names), the cards' only when `cards_only`."""
    return FeedFilter("cards" if cards_only else "all", words=words)


def feed_rows(feed: Sequence[Mapping[str, Any]], wanted: FeedFilter = EVERY_EVENT
              ) -> list[Mapping[str, Any]]:
    """The feed's rows (the feed projection's, as data) that `wanted` keeps."""
    return [r for r in feed if wanted.matches(_feed_row(r))]


def _feed_row(data: Mapping[str, Any]) -> FeedRow:
    return FeedRow(data["event_id"], data["tick"], data["op"], data["text"],
                   tuple(data["who"]), data["perturbation"], data["success"])


def feed_html(rows: Sequence[Mapping[str, Any]]) -> str:
    body = "".join(
        f'<tr class="{"card" if r["perturbation"] else ""}{"" if r["success"] else " refused"}">'
        f'<td>{r["tick"]}</td><td>{escape(r["op"])}</td><td>{escape(r["text"])}</td>'
        f'<td>{escape(", ".join(r["who"]))}</td></tr>' for r in rows)
    return ('<table class="town-feed"><thead><tr><th>tick</th><th>op</th><th>what happened</th>'
            f'<th>who</th></tr></thead><tbody>{body}</tbody></table>')


def shown_feed(rows: Sequence[Mapping[str, Any]], wanted: FeedFilter = EVERY_EVENT) -> str:
    """The feed as the page shows it: its first FEED_SHOWN rows under the filter, as HTML."""
    return feed_html(feed_rows(rows, wanted)[:FEED_SHOWN])


def tick_html(beat: Mapping[str, Any], hashed: str) -> str:
    """A served town's heartbeat as the live clock line: its branch, tick, time of day and
    state hash (`hashed`, the latest a heartbeat carried: not every heartbeat carries one)."""
    return (f'<span class="town-live">live · {escape(str(beat["branch"]))} · tick '
            f'{beat["tick"]:,} · {clock_text(beat["tick"])} · state hash {escape(hashed)}</span>')


# The feed table's look, the same in the page's cells and in the live feed's widget.
FEED_CSS = """\
.town-feed { border-collapse: collapse; font: 13px system-ui, sans-serif; width: 100%; }
.town-feed th { text-align: left; border-bottom: 1px solid #999; padding: 2px 6px; }
.town-feed td { padding: 2px 6px; border-bottom: 1px solid #ddd; }
.town-feed tr.card td { background: #fff4c2; font-weight: 600; }
.town-feed tr.refused td { color: #a33; }
"""


class HtmlWidget(anywidget.AnyWidget):
    """HTML its `html` replaces whole (the feed, the live clock), set by the notebook or by a
    live town's follower from its own thread: no cell runs between the stream and the page."""

    _esm = """
function render({ model, el }) {
  const draw = () => { el.innerHTML = model.get("html"); };
  model.on("change:html", draw);
  draw();
}
export default { render };
"""
    _css = FEED_CSS + ".town-live { font: 13px ui-monospace, monospace; }\n"
    html = traitlets.Unicode("").tag(sync=True)


STYLE = f"""<style>
.town-metrics {{ display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 8px; }}
.town-metric {{ font: 13px system-ui, sans-serif; }}
{FEED_CSS}.town-hash {{ font: 13px ui-monospace, monospace; }}
</style>"""
