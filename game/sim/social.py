"""Social structure: coalitions (k-clique percolation), EigenTrust reputation and town metrics.

Functions over arrays, vectorised where the cost grows with citizens. Pure: never imports
pygame or the view.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from game import config

FloatArray = npt.NDArray[np.float64]


def affinity_graph(rel: FloatArray, threshold: float = config.COALITION_AFFINITY,
                   keep: Iterable[frozenset[int]] = (),
                   hysteresis: float = config.COALITION_HYSTERESIS) -> npt.NDArray[np.bool_]:
    """Edges join two citizens whose mutual affinity (mean of both directions) ≥ threshold.

    Inside the coalitions in `keep` a bond holds down to threshold − hysteresis, so a coalition
    does not dissolve and re-form each time an affinity wobbles around the threshold.
    """
    mutual = (rel + rel.T) / 2.0
    adj = mutual >= threshold
    for members in keep:
        block = np.ix_(sorted(members), sorted(members))
        adj[block] |= mutual[block] >= threshold - hysteresis
    np.fill_diagonal(adj, False)
    return adj


def clique_percolation(adj: npt.NDArray[np.bool_], k: int = config.COALITION_K
                       ) -> list[frozenset[int]]:
    """Communities of k-clique percolation: unions of k-cliques chained by k−1 shared nodes.

    For k = 3 two triangles are adjacent iff they share an edge, so the communities are the
    components of a union-find over edges that triangles glue together.
    """
    if k != 3:
        raise ValueError("only k = 3 is implemented")
    # Only citizens with two or more edges can be in a triangle.
    active = np.flatnonzero(adj.sum(axis=1) >= 2)
    if active.size < 3:
        return []
    sub = adj[np.ix_(active, active)]
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(e: tuple[int, int]) -> tuple[int, int]:
        while parent[e] != e:
            parent[e] = parent[parent[e]]
            e = parent[e]
        return e

    def union(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    in_triangle: set[tuple[int, int]] = set()
    rows, cols = np.nonzero(np.triu(sub, 1))
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        common = np.flatnonzero(sub[i] & sub[j])
        for m in common[common > j].tolist():
            tri = ((i, j), (i, m), (j, m))
            for e in tri:
                parent.setdefault(e, e)
                in_triangle.add(e)
            union(tri[0], tri[1])
            union(tri[0], tri[2])
    groups: dict[tuple[int, int], set[int]] = {}
    for e in in_triangle:
        groups.setdefault(find(e), set()).update(e)
    return sorted((frozenset(int(active[x]) for x in g) for g in groups.values()),
                  key=lambda c: (-len(c), sorted(c)))


def bridges(coalitions: list[frozenset[int]]) -> set[int]:
    """Citizens who belong to two or more coalitions."""
    seen: set[int] = set()
    twice: set[int] = set()
    for c in coalitions:
        twice |= seen & c
        seen |= c
    return twice


def match_coalitions(old: list[tuple[str, frozenset[int]]], new: list[frozenset[int]],
                     min_jaccard: float = config.COALITION_MATCH_JACCARD
                     ) -> tuple[list[tuple[str | None, frozenset[int]]], list[str]]:
    """Pair each new community with the old coalition it continues (greedy by Jaccard).

    Returns (new communities with the id they keep or None if newly formed, ids dissolved).
    """
    pairs = []
    for a, (cid, members) in enumerate(old):
        for b, fresh in enumerate(new):
            jac = len(members & fresh) / len(members | fresh)
            if jac >= min_jaccard:
                pairs.append((-jac, a, b, cid))
    pairs.sort()
    taken_old: set[int] = set()
    kept: dict[int, str] = {}
    for _, a, b, cid in pairs:
        if a not in taken_old and b not in kept:
            taken_old.add(a)
            kept[b] = cid
    matched = [(kept.get(b), fresh) for b, fresh in enumerate(new)]
    dissolved = [cid for a, (cid, _) in enumerate(old) if a not in taken_old]
    return matched, dissolved


def eigentrust(counts: FloatArray, alpha: float = config.EIGENTRUST_ALPHA,
               max_iter: int = config.EIGENTRUST_MAX_ITER, tol: float = config.EIGENTRUST_TOL
               ) -> FloatArray:
    """EigenTrust: t = (1 − α) Cᵀ t + α p with uniform pre-trust p; scores sum to 1.

    C is local trust: each row of positive interaction outcomes normalised to sum to 1; a
    citizen who trusts nobody yet defers to the pre-trust.
    """
    n = counts.shape[0]
    pre = np.full(n, 1.0 / n)
    local = np.maximum(counts, 0.0)
    src, dst = np.nonzero(local)  # the edges, in (truster, trusted) order
    sums = np.bincount(src, weights=local[src, dst], minlength=n)
    weight = local[src, dst] / sums[src]
    deferring = np.flatnonzero(sums == 0)
    t = pre.copy()
    for _ in range(max_iter):
        # Cᵀt over the edges: bincount adds in the edges' order (no BLAS, whose order of
        # summation depends on the CPU); those who trust nobody spread theirs evenly.
        spread = (np.bincount(dst, weights=weight * t[src], minlength=n)
                  + float(t[deferring].sum()) / n)
        nxt = (1.0 - alpha) * spread + alpha * pre
        nxt /= nxt.sum()
        done = float(np.abs(nxt - t).max()) < tol
        t = nxt
        if done:
            break
    return t


def metrics(rel: FloatArray, surplus: FloatArray) -> dict[str, float]:
    """Tension (variance of directed weights), cooperation (mean positive weight), surplus."""
    n = rel.shape[0]
    if n < 2:
        return {"tension": 0.0, "cooperation": 0.0, "surplus": float(surplus.sum())}
    off = rel[~np.eye(n, dtype=bool)]
    positive = off[off > 0]
    return {
        "tension": float(off.var()),
        "cooperation": float(positive.mean()) if positive.size else 0.0,
        "surplus": float(surplus.sum()),
    }


def strongest_pairs(rel: FloatArray, count: int) -> list[tuple[int, int, float]]:
    """The `count` strongest mutual bonds (i < j), strongest first."""
    mutual = (rel + rel.T) / 2.0
    iu = np.triu_indices(rel.shape[0], 1)
    vals = mutual[iu]
    order = np.argsort(-vals, kind="stable")[:count]
    return [(int(iu[0][o]), int(iu[1][o]), float(vals[o])) for o in order]



def pca_2d(personality: FloatArray) -> FloatArray:
    """Project 7-D personalities to their two main axes (N × 2), with a stable orientation.

    Each axis is signed so its largest loading is positive, so the picture does not flip when
    a citizen drifts a little.
    """
    centred = personality - personality.mean(axis=0)
    if personality.shape[0] < 2 or not centred.any():
        return np.zeros((personality.shape[0], 2))
    # From the D×D scatter matrix, built and applied column by column: a multi-threaded BLAS
    # on an N×D matrix stalls a frame for tens of milliseconds on two cores.
    dims = centred.shape[1]
    scatter = np.empty((dims, dims))
    for a in range(dims):
        for b in range(a, dims):
            scatter[a, b] = scatter[b, a] = float((centred[:, a] * centred[:, b]).sum())
    _, vectors = np.linalg.eigh(scatter)  # ascending: the main axes are the last columns
    axes = vectors[:, ::-1][:, :2].T
    signs = np.sign(axes[np.arange(axes.shape[0]), np.abs(axes).argmax(axis=1)])
    axes = axes * signs[:, None]
    out = np.zeros((centred.shape[0], 2))
    for k in range(dims):
        out += centred[:, k, None] * axes[None, :, k]
    return out
