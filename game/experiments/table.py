"""A sweep's files in its folder, and its one Parquet table.

    DIR/spec.json              the spec, canonical (what `--resume` checks against)
    DIR/parts/<run>.parquet    one finished run's rows (written as the run comes back)
    DIR/runs/<run>.town        one finished run's history: `agent-town --load` opens it
    DIR/sweep.parquet          every row, in the spec's order, the spec in its metadata

Every file is written atomically, so a file that exists is whole: a run is finished when its
part and its `.town` both exist, and nothing else is trusted. The table holds no wall-clock
time and its rows follow the spec, so the same spec gives the same bytes (for one pyarrow).
Pure: never imports pygame, the view or the command line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from game import __version__
from game.experiments.sampling import RunResult
from game.experiments.spec import RunPlan, SweepSpec, columns_for
from game.sim.scenarios import scenario
from game.userfiles.storage import atomic_write_bytes, atomic_write_text

TABLE = "sweep.parquet"
SPEC = "spec.json"
PARTS = "parts"
RUNS = "runs"
META_SPEC = b"agent-town.sweep"
META_CITIZENS = b"agent-town.citizens"
META_VERSION = b"agent-town.version"

_STRING = ("run", "scenario", "variant", "state_hash")
_FLOAT = ("tension", "cooperation", "surplus", "drama")
_LISTS: dict[str, pa.DataType] = {"coalition_sizes": pa.list_(pa.int64()),
                                   "reputation": pa.list_(pa.float64())}


def _type(name: str) -> pa.DataType:
    if name in _STRING:
        return pa.string()
    if name == "seed":
        return pa.uint64()  # seeds reach 2**64 - 1
    if name in _FLOAT:
        return pa.float64()
    return _LISTS.get(name, pa.int64())


def schema(spec: SweepSpec) -> pa.Schema:
    """The table's columns for what the spec samples (no metadata)."""
    return pa.schema([pa.field(n, _type(n), nullable=False)
                      for n in columns_for(spec.sample.what)])


def part_path(out: Path, run: str) -> Path:
    return out / PARTS / f"{run}.parquet"


def town_path(out: Path, run: str) -> Path:
    return out / RUNS / f"{run}.town"


def finished(out: Path, plan: RunPlan) -> bool:
    """Whether a run's part and `.town` are both written (each atomically: whole if there)."""
    return part_path(out, plan.run).is_file() and town_path(out, plan.run).is_file()


def _parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def encode(spec: SweepSpec, result: RunResult) -> bytes:
    """A run's rows as its Parquet part (a worker's work: the client only writes files)."""
    return _parquet_bytes(pa.Table.from_pydict(result.columns, schema=schema(spec)))


def write_run(out: Path, result: RunResult, part: bytes) -> None:
    """Keep a finished run: its `.town` first, then its part (which marks it finished)."""
    atomic_write_text(town_path(out, result.run), result.town)
    atomic_write_bytes(part_path(out, result.run), part)


def write_spec(out: Path, spec: SweepSpec) -> None:
    atomic_write_text(out / SPEC, spec.canonical() + "\n")


def stored_spec(out: Path) -> str | None:
    """The canonical spec a sweep folder was started with, if any."""
    try:
        return (out / SPEC).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None


def assemble(out: Path, spec: SweepSpec) -> Path:
    """Join every run's part, in the spec's order, into the one table; returns its path."""
    parts = ds.dataset([str(part_path(out, plan.run)) for plan in spec.runs()],
                       schema=schema(spec), format="parquet")  # read in the given order
    citizens = {name: [c.id for c in scenario(name).citizens] for name in spec.scenarios}
    metadata = {META_SPEC: spec.canonical().encode(),
                META_CITIZENS: json.dumps(citizens, separators=(",", ":")).encode(),
                META_VERSION: __version__.encode()}
    table = parts.to_table().replace_schema_metadata(metadata)
    path = out / TABLE
    atomic_write_bytes(path, _parquet_bytes(table))
    return path


def read(out: Path) -> tuple[pa.Table, SweepSpec]:
    """The sweep's table and the spec stored in it."""
    table = pq.read_table(out / TABLE)
    meta = table.schema.metadata or {}
    return table, SweepSpec.model_validate_json(meta[META_SPEC])
