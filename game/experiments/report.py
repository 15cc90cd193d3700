"""A sweep's report: a PNG per metric (its mean over seeds through time with a 95 % confidence
band, per variant; and its distribution over seeds at the report's tick, the end by default)
and a short HTML page with the question, the runs and a table of outcomes.

Drawn with matplotlib's Agg backend (no window, no pygame), from the sweep's Parquet table
alone. Pure: never imports pygame, the view or the command line.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: never a window, whatever the environment offers
import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
import pyarrow as pa
from matplotlib.axes import Axes

from game import config
from game.experiments import table
from game.experiments.spec import SweepSpec, plottable
from game.userfiles.storage import atomic_write_bytes, atomic_write_text
from game.words import counted

FloatArray = npt.NDArray[np.float64]
REPORT = "report"
Z95 = 1.959963984540054  # the normal 97.5 % quantile: mean ± Z95 standard errors
DEFAULT_METRICS = ("coalitions", "coalition_largest", "events_coalition_dissolved", "tension",
                   "cooperation", "drama")
# ENDESGA 32 colours, the game's palette: one per variant, in the spec's order.
COLOURS = ("#0099db", "#e43b44", "#63c74d", "#feae34", "#b55088", "#3a4466", "#f77622",
           "#2ce8f5")
TITLES = {"coalitions": "coalitions", "coalition_largest": "largest coalition (citizens)",
          "coalition_members": "citizens in a coalition", "events_coalition_dissolved":
          "coalitions dissolved so far", "events_coalition_formed": "coalitions formed so far",
          "tension": "tension (variance of bonds)", "cooperation": "cooperation (mean + bond)",
          "drama": "drama", "surplus": "surplus", "tokens": "tokens",
          "events_total": "events so far", "events_today": "events today"}


class ReportError(Exception):
    """A folder that holds no sweep table, or a report asking for a column it lacks."""


@dataclass(frozen=True)
class Series:
    """One metric of one (scenario, variant): a row per seed, a column per sample tick."""

    scenario: str
    variant: str
    ticks: npt.NDArray[np.int64]
    values: FloatArray  # (seeds, samples)


def plots(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.png"))


def write(out: Path) -> Path:
    """Draw the report of the sweep in `out` into `out/report/`; returns the page's path."""
    try:
        rows, spec = table.read(out)
    except (OSError, KeyError, ValueError, pa.ArrowException) as err:
        raise ReportError(f"{out} holds no finished sweep ({table.TABLE}): {err}") from None
    metrics = _metrics(spec)
    folder = out / REPORT
    folder.mkdir(parents=True, exist_ok=True)
    series = {m: _series(rows, spec, m) for m in metrics}
    images = []
    for metric in metrics:
        path = folder / f"{metric}.png"
        atomic_write_bytes(path, _figure(metric, series[metric], spec))
        images.append(path.name)
    page = folder / "index.html"
    atomic_write_text(page, _page(spec, series, images, rows.num_rows, out))
    return page


def _metrics(spec: SweepSpec) -> list[str]:
    """The columns to show: the spec's choice, or the default ones the table has."""
    numeric = plottable(spec.sample.what)
    if spec.report.metrics:
        return list(spec.report.metrics)  # checked against the table before the sweep ran
    return [m for m in DEFAULT_METRICS if m in numeric] or list(numeric[:6])


def _series(rows: pa.Table, spec: SweepSpec, metric: str) -> list[Series]:
    """The metric per (scenario, variant), seeds by sample ticks (every run has them all)."""
    ticks = np.array(spec.sample_ticks(), dtype=np.int64)
    values = rows.column(metric).to_numpy().astype(np.float64)
    scenario = np.array(rows.column("scenario").to_pylist())
    variant = np.array(rows.column("variant").to_pylist())
    out = []
    for sc in spec.scenarios:
        for v in spec.variants:
            mine = values[(scenario == sc) & (variant == v.name)]
            out.append(Series(sc, v.name, ticks, mine.reshape(-1, ticks.size)))
    return out


def mean_band(values: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Mean over seeds at each sample, and its 95 % confidence band (normal approximation;
    no band from a single seed)."""
    mean = values.mean(axis=0)
    n = values.shape[0]
    half = (Z95 * values.std(axis=0, ddof=1) / math.sqrt(n) if n > 1
            else np.zeros_like(mean))
    return mean, mean - half, mean + half


def _figure(metric: str, series: list[Series], spec: SweepSpec) -> bytes:
    """The metric through time (left) and at the run's end (right), one colour a variant."""
    fig, (over, end) = plt.subplots(1, 2, figsize=(11, 4.2), width_ratios=(2.2, 1),
                                    layout="constrained")
    _over_time(over, series, spec)
    _at_until(end, series, spec)
    fig.suptitle(TITLES.get(metric, metric.replace("_", " ")), fontsize=13, x=0.01,
                 ha="left", fontweight="bold")
    over.set_ylabel(metric)
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _label(s: Series, spec: SweepSpec) -> str:
    return s.variant if len(spec.scenarios) == 1 else f"{s.scenario} · {s.variant}"


def _over_time(ax: Axes, series: list[Series], spec: SweepSpec) -> None:
    for k, s in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        days = s.ticks / config.DAY_TICKS
        mean, low, high = mean_band(s.values)
        ax.fill_between(days, low, high, color=colour, alpha=0.30, linewidth=0)
        ax.plot(days, mean, color=colour, linewidth=2,
                label=f"{_label(s, spec)} (n={s.values.shape[0]})")
    for v in spec.variants:
        for tick in sorted({p.tick for p in v.perturbations()})[:12]:
            ax.axvline(tick / config.DAY_TICKS, color="#8b9bb4", linewidth=0.8, linestyle=":")
    until = until_tick(spec)
    if until < spec.length:  # where the right-hand panel and the page's table look
        ax.axvline(until / config.DAY_TICKS, color="#3a4466", linewidth=1.2, alpha=0.6)
    ax.set_xlabel("days since the start (day 1 begins at 0)")
    ax.set_xlim(0, spec.length / config.DAY_TICKS)
    ax.grid(alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=9, loc="best")
    ax.set_title("mean over seeds with its 95 % confidence band · cards dotted"
                 + (f" · tick {until:,} solid" if until < spec.length else ""), fontsize=9,
                 loc="left", color="#3a4466")


def _at_until(ax: Axes, series: list[Series], spec: SweepSpec) -> None:
    until = until_tick(spec)
    finals = [s.values[:, sample_at(s, until)] for s in series]
    box = ax.boxplot(finals, orientation="horizontal", widths=0.55, patch_artist=True,
                     showfliers=False, medianprops={"color": "#181425"})
    rng = np.random.default_rng(0)  # the jitter only places dots: the same every report
    for k, (patch, values) in enumerate(zip(box["boxes"], finals, strict=True)):
        colour = COLOURS[k % len(COLOURS)]
        patch.set(facecolor=colour, alpha=0.35, edgecolor=colour)
        ax.scatter(values, k + 1 + rng.uniform(-0.18, 0.18, values.size), s=12,
                   color=colour, alpha=0.8, linewidths=0, zorder=3)
    ax.set_yticks(range(1, len(series) + 1), [_label(s, spec) for s in series], fontsize=9)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    when = "the end" if until == spec.length else f"tick {until:,}"
    ax.set_title(f"at {when} (after {until / config.DAY_TICKS:g} days), one dot a seed",
                 fontsize=9, loc="left", color="#3a4466")


def until_tick(spec: SweepSpec) -> int:
    return spec.length if spec.report.until is None else spec.report.until


def sample_at(s: Series, tick: int) -> int:
    """The index of the last sample at or before `tick`."""
    return max(int(np.searchsorted(s.ticks, tick, side="right")) - 1, 0)


def change(s: Series, since: int, until: int) -> FloatArray:
    """Each run's change of the metric from just before tick `since` (the last sample before
    it; tick 0 if none) to tick `until`."""
    before = max(int(np.searchsorted(s.ticks, since, side="left")) - 1, 0)
    return s.values[:, sample_at(s, until)] - s.values[:, before]


def _page(spec: SweepSpec, series: dict[str, list[Series]], images: list[str],
          rows: int, out: Path) -> str:
    e = html.escape
    seeds = spec.seeds
    head = (f"<h1>{e(spec.name)}</h1>" + (f"<p class=q>{e(spec.question)}</p>"
                                           if spec.question else "") +
            f"<p>{counted(len(spec.runs()), 'run', 'runs')}: {', '.join(map(e, spec.scenarios))}"
            f" × {counted(len(spec.variants), 'variant', 'variants')} × "
            f"{counted(len(seeds), 'seed', 'seeds')} "
            f"({seeds[0]}…{seeds[-1]}), {spec.length:,} ticks "
            f"({spec.length / config.DAY_TICKS:g} days) each, sampled every "
            f"{spec.sample.every} ticks: {rows:,} rows.</p>")
    variants = "".join(
        f"<li><b>{e(v.name)}</b>: " + (", ".join(
            f"{e(p.card)} at tick {p.tick}" + (f" on {', '.join(map(e, p.targets))}"
                                               if p.targets else "")
            for p in v.perturbations()[:8]) or "no cards") +
        (" …" if len(v.perturbations()) > 8 else "") + "</li>" for v in spec.variants)
    since = spec.report.since
    base = spec.variants[0].name
    until = until_tick(spec)
    header = ("<tr><th>metric</th><th>variant</th>"
              f"<th>mean at tick {until:,} [95 % CI]</th>"
              f"<th>change from tick {since:,} [95 % CI]</th><th>runs where it rose</th>"
              f"<th>change against {e(base)}, seed by seed [95 % CI]</th></tr>")
    cells = []
    for metric, group in series.items():
        for s in group:
            cells.append(_row(metric, s, group, spec))
    figures = "".join(f'<figure><img src="{e(name)}" alt="{e(name)}"></figure>'
                      for name in images)
    first = spec.runs()[0].run
    return (f"<!doctype html><meta charset=utf-8><title>{e(spec.name)}</title>"
            f"<style>{_STYLE}</style>{head}<h2>Variants</h2><ul>{variants}</ul>"
            f"<h2>Outcomes</h2><table>{header}{''.join(cells)}</table>"
            f"<h2>Plots</h2>{figures}<h2>Open a run</h2><p>Every run is a tiny history: "
            f"<code>agent-town --load {e(str(out / table.RUNS / first))}.town --start-tick "
            f"{since}</code> "
            f"opens it in the window at that tick (the table's <code>run</code> and "
            f"<code>tick</code> columns name them).</p>\n")


def _row(metric: str, s: Series, group: list[Series], spec: SweepSpec) -> str:
    """A metric of a variant at the report's tick, its change since the report's other tick,
    and that change against the first variant's on the same seeds (a paired difference)."""
    e = html.escape
    since, until = spec.report.since, until_tick(spec)
    moved = change(s, since, until)
    base = next(b for b in group if b.scenario == s.scenario)
    paired = moved - change(base, since, until)
    at = s.values[:, sample_at(s, until)]
    return (f"<tr><td>{e(metric)}</td><td>{e(_label(s, spec))}</td>"
            f"<td>{_interval(*_mean(at))}</td><td>{_interval(*_mean(moved))}</td>"
            f"<td>{100 * float(np.mean(moved > 0)):.0f} %</td>"
            f"<td>{'' if base is s else _interval(*_mean(paired))}</td></tr>")


def _mean(values: FloatArray) -> tuple[float, float, float]:
    """The mean of one value a seed, and its confidence band."""
    mean, low, high = mean_band(values[:, None])
    return float(mean[0]), float(low[0]), float(high[0])


def _interval(mean: float, low: float, high: float) -> str:
    return f"{mean:.3g} [{low:.3g}, {high:.3g}]"


_STYLE = ("body{font:15px/1.5 system-ui,sans-serif;max-width:1240px;margin:2em auto;"
          "padding:0 1em;color:#181425}h1{margin-bottom:.2em}.q{font-size:1.2em;"
          "color:#3a4466}table{border-collapse:collapse}td,th{padding:.25em .8em;"
          "border-bottom:1px solid #c0cbdc;text-align:left}img{max-width:100%}"
          "code{background:#eef;padding:0 .3em}")
