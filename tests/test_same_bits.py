"""The rule that makes a town the same on every machine, checked in the source and in numbers.

Anything that reaches the state or its hash uses only IEEE +, −, ×, ÷, √ in a fixed order and
numpy reductions in a fixed order: no BLAS or LAPACK (`@`, `dot`, `linalg`: their order of
summation depends on the CPU and the threads), no platform `pow`, `exp` or `log` (`**`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game import config
from game.sim import decide, social
from game.sim.bonds import initial_relationships
from game.sim.flux import TownFlux
from game.sim.model import decay
from tests.helpers import dense_eigentrust

GAME = Path(__file__).resolve().parent.parent / "game"
# Functions that draw the town rather than change it: their output never reaches the state.
PROJECTIONS = {("sim/social.py", "pca_2d")}
# Python's `sum` adds floats with compensation from 3.12 on (other bits than 3.11's): the
# simulation adds floats in a plain loop (`decide.total`); these functions sum only ints.
INT_SUMS = {("sim/social.py", "labelled_communities")}
# BLAS and LAPACK, and the platform's transcendental functions (not correctly rounded: their
# last bits differ between C libraries); √, like + − × ÷, is exact everywhere.
FORBIDDEN_CALLS = {"dot", "matmul", "vdot", "inner", "outer", "svd", "eig", "eigh", "norm",
                   "solve", "inv", "lstsq", "einsum", "tensordot", "exp", "exp2", "expm1", "log",
                   "log2", "log10", "log1p", "logaddexp", "power", "float_power", "pow", "sin",
                   "cos", "tan", "sinh", "cosh", "tanh", "arcsin", "arccos", "arctan", "arctan2",
                   "asin", "acos", "atan", "atan2", "hypot", "cbrt", "erf", "gamma", "lgamma"}


def _offences(source: str, where: str) -> list[str]:
    tree = ast.parse(source)
    skipped = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
               and (where, f.name) in PROJECTIONS for n in ast.walk(f)}
    int_sums = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
                and (where, f.name) in INT_SUMS for n in ast.walk(f)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if (where.startswith("sim/") and id(node) not in int_sums and isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name) and node.func.id == "sum"):
            found.append(f"game/{where}:{node.lineno}: sum()")
        op = getattr(node, "op", None)
        if isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(op, ast.MatMult | ast.Pow):
            found.append(f"game/{where}:{node.lineno}: {type(op).__name__}")
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_CALLS | {"linalg"}:
            found.append(f"game/{where}:{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.ImportFrom):  # `from math import exp` and then `exp(x)`
            found += [f"game/{where}:{node.lineno}: import {alias.name}" for alias in node.names
                      if alias.name in FORBIDDEN_CALLS | {"linalg"}]
    return found


def test_the_simulation_and_the_trace_use_no_blas_and_no_platform_pow() -> None:
    paths = sorted([*GAME.joinpath("sim").glob("*.py"), *GAME.joinpath("trace").glob("*.py")])
    assert [o for p in paths
            for o in _offences(p.read_text(encoding="utf-8"), p.relative_to(GAME).as_posix())
            ] == []


def test_the_projections_let_through_are_never_called_by_the_simulation() -> None:
    for path in GAME.joinpath("sim").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for _, name in PROJECTIONS:
            assert f"{name}(" not in source.replace(f"def {name}(", ""), path


def test_the_source_check_can_fail() -> None:
    bad = "import numpy as np\ndef f(a, b):\n    return np.exp((a @ b) ** 0.5) + sum(a)\n"
    assert len(_offences(bad, "sim/probe.py")) == 4
    assert len(_offences("from math import tanh, sqrt\nx = tanh(0.5)\n", "sim/probe.py")) == 1
    assert len(_offences("import numpy as np\nx = np.arctan2(1.0, 2.0)\n", "sim/p.py")) == 1
    assert _offences(bad.replace("def f", "def pca_2d"), "sim/social.py") == []


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_initial_bonds_equal_the_dense_product_and_one_row_alone_gives_the_same_bits(
        seed: int) -> None:
    flux = TownFlux("city:300", seed)
    personality = flux.state.personality
    rel = initial_relationships(personality)
    centred = personality - config.PERSONALITY_BASE
    unit = centred / np.linalg.norm(centred, axis=1)[:, None]
    reference = config.INITIAL_REL_SCALE * (unit @ unit.T)
    np.fill_diagonal(reference, 0.0)
    np.testing.assert_allclose(rel, reference, rtol=0, atol=1e-15)
    i = 17
    norms = np.sqrt(sum((centred[:, k] * centred[:, k] for k in range(1, 7)),
                        centred[:, 0] * centred[:, 0]))
    u = centred / norms[:, None]
    row = u[i, 0] * u[:, 0]
    for k in range(1, 7):
        row += u[i, k] * u[:, k]
    row = config.INITIAL_REL_SCALE * row
    row[i] = 0.0
    assert np.array_equal(row, rel[i])


def test_reputation_over_the_edges_equals_the_dense_eigentrust() -> None:
    rng = np.random.default_rng(3)
    counts = np.where(rng.random((40, 40)) < 0.1, rng.integers(-2, 5, (40, 40)), 0.0)
    counts[[3, 9, 20]] = 0.0  # some trust nobody yet
    src, dst = np.nonzero(counts)
    got = social.eigentrust(40, src, dst, counts[src, dst])
    np.testing.assert_allclose(got, dense_eigentrust(counts), rtol=0, atol=1e-12)
    assert abs(got.sum() - 1.0) < 1e-12


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 600), seed=st.integers(0, 2**32 - 1))
def test_a_plain_pairwise_sum_has_the_bits_of_numpys_sum(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n).astype(float)
    for some in (values, -np.zeros(n), np.abs(values)):
        assert (np.float64(social.pairwise_sum(some.tolist())).tobytes()
                == np.add.reduce(some).tobytes())


@settings(max_examples=40, deadline=None)
@given(n=st.integers(social.FEW_CITIZENS, social.FEW_CITIZENS + 60),
       edges=st.integers(0, 2000), seed=st.integers(0, 2**32 - 1),
       alpha=st.floats(0.01, 0.9), max_iter=st.integers(1, 60),
       tol=st.sampled_from([1e-2, 1e-4, 1e-8, 1e-13]))
def test_a_small_towns_reputation_in_plain_floats_has_the_bits_of_the_arrays(
        n: int, edges: int, seed: int, alpha: float, max_iter: int, tol: float) -> None:
    # Above FEW_CITIZENS `eigentrust` runs in arrays: the plain one must give the same bits.
    rng = np.random.default_rng(seed)
    codes = np.unique(rng.integers(0, n * n, edges))
    src, dst = np.divmod(codes, n)
    counts = rng.integers(-3, 6, codes.size).astype(float) * rng.random(codes.size)
    weight, deferring = social.local_trust(n, src, counts)
    plain = social.eigentrust_few(n, src, dst, weight, deferring.tolist(), alpha, max_iter,
                                  tol)
    arrays = social.eigentrust(n, src, dst, counts, alpha, max_iter, tol)
    assert plain.tobytes() == arrays.tobytes()


@pytest.mark.parametrize("seed", [2, 5])
def test_a_small_towns_gossip_subject_in_plain_floats_lands_where_the_arrays_do(
        seed: int) -> None:
    plain, arrays = TownFlux("town", seed), TownFlux("town", seed)  # the same draws in each
    for _ in range(2400):
        plain.step()
        arrays.step()
    s = arrays.state
    for speaker in range(s.n):
        row = s.bonds_of(speaker)
        assert np.array(plain.state.bonds.row(speaker)).tobytes() == row.tobytes()
        for listener in (0, 7, speaker):
            got = decide._subject_of_few(plain, speaker, listener)
            strength = row * row
            strength[[speaker, listener]] = 0.0
            total = float(np.add.reduce(strength))
            x = arrays.draws.random() * total if total > 0.0 else 0.0
            expected = (min(int(np.cumsum(strength).searchsorted(x, side="right")), s.n - 1)
                        if total > 0.0 else -1)
            assert got == expected


@pytest.mark.parametrize("ticks", [0, 1, 2, 7, 200, 1600, 123_457])
def test_drama_decays_as_the_power_would_without_the_platforms_pow(ticks: int) -> None:
    assert decay(ticks) == pytest.approx(config.DRAMA_DECAY ** ticks, rel=1e-12, abs=1e-300)
    assert decay(200) == pytest.approx(0.5, rel=1e-13)
