"""A sweep's runs in the dashboard (`agent-town dashboard DIR`, DIR a sweep's folder): its
table's rows to pick from; a picked row shows its run's `.town` at the row's tick, with the
command line that opens it there in the window. Needs the sweep's extra (pyarrow)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from game.dashboard.sources import HistoryTown
from game.experiments import table

# The table's columns the run picker shows, when the sweep sampled them.
SHOWN = ("run", "variant", "seed", "tick", "day", "tension", "cooperation", "surplus", "drama",
         "coalitions", "coalition_largest", "events_total", "state_hash")
FIGURES = 4  # the decimals a measure shows in the picker


def is_sweep(source: str | None) -> bool:
    """Whether `source` names a finished sweep's folder (its table written)."""
    return bool(source) and (Path(str(source)) / table.TABLE).is_file()


class Sweep:
    """A finished sweep: its rows (the shown columns) and its runs' histories."""

    def __init__(self, folder: Path, rows: list[dict[str, Any]]) -> None:
        self.folder = folder
        self.rows = rows

    @classmethod
    def open(cls, folder: str) -> Sweep:
        rows, _ = table.read(Path(folder))
        shown = rows.select([c for c in SHOWN if c in rows.column_names]).to_pylist()
        return cls(Path(folder), [{k: round(v, FIGURES) if isinstance(v, float) else v
                                   for k, v in row.items()} for row in shown])

    def town_file(self, row: dict[str, Any]) -> Path:
        return table.town_path(self.folder, str(row["run"]))

    def town(self, row: dict[str, Any]) -> HistoryTown:
        """The row's run, to be shown at the row's tick."""
        return HistoryTown.load(str(self.town_file(row)))

    def command(self, row: dict[str, Any]) -> str:
        """The command line opening the row's run in the window at the row's tick."""
        return (f"agent-town --load {shlex.quote(str(self.town_file(row)))} "
                f"--start-tick {row['tick']}")
