"""Isometric projection: grid (gx, gy) ↔ native screen pixels, and its exact inverse for picking.

A tile is a 2:1 diamond TILE_W × TILE_H. Grid point (gx, gy) maps to x = (gx − gy)·TILE_W/2,
y = (gx + gy)·TILE_H/2: the top vertex of tile (gx, gy); its centre is the point (gx + ½, gy + ½).
Native pixels only: zoom and camera offset are the camera's business. Pure math on floats and
numpy arrays: never imports pygame.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

TILE_W = 32
TILE_H = 16
HALF_W = TILE_W // 2
HALF_H = TILE_H // 2

FloatArray = npt.NDArray[np.float64]


def to_screen(gx: float, gy: float) -> tuple[float, float]:
    """Native pixel of grid point (gx, gy)."""
    return (gx - gy) * HALF_W, (gx + gy) * HALF_H


def to_grid(x: float, y: float) -> tuple[float, float]:
    """Grid point at native pixel (x, y): the exact inverse of `to_screen`."""
    return x / TILE_W + y / TILE_H, y / TILE_H - x / TILE_W


def tile_at(x: float, y: float) -> tuple[int, int]:
    """The tile whose diamond contains native pixel (x, y)."""
    gx, gy = to_grid(x, y)
    return math.floor(gx), math.floor(gy)


def to_screen_arrays(gx: FloatArray, gy: FloatArray) -> tuple[FloatArray, FloatArray]:
    """`to_screen` for arrays of grid points."""
    return (gx - gy) * HALF_W, (gx + gy) * HALF_H


def map_bounds(size: int) -> tuple[int, int, int, int]:
    """Native bounding box (x0, y0, x1, y1) of a size × size map's ground diamonds."""
    return -size * HALF_W, 0, size * HALF_W, size * TILE_H
