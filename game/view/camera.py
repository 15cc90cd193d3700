"""The camera: which part of the native-pixel world is on screen, and at what integer zoom.

World coordinates are native pixels of the isometric projection (see iso.py). Screen position
= world · zoom + origin, where origin is a whole pixel so every sprite lands on the same pixel
grid (no seams, no blur). Pure: never imports pygame or the simulation.
"""

from __future__ import annotations

ZOOM_MIN = 1
ZOOM_MAX = 4
DEFAULT_ZOOM = 2


class Camera:
    """Centre (native px), integer zoom and viewport size; clamped to the world's bounds."""

    def __init__(self, viewport: tuple[int, int], bounds: tuple[float, float, float, float],
                 home: tuple[float, float], zoom: int = DEFAULT_ZOOM) -> None:
        self.viewport = viewport
        self.bounds = bounds
        self.home = home
        self.zoom = zoom
        self.cx, self.cy = home
        self._clamp()

    @property
    def origin(self) -> tuple[int, int]:
        """Screen pixel of world (0, 0)."""
        w, h = self.viewport
        return round(w / 2 - self.cx * self.zoom), round(h / 2 - self.cy * self.zoom)

    def to_screen(self, wx: float, wy: float) -> tuple[float, float]:
        ox, oy = self.origin
        return wx * self.zoom + ox, wy * self.zoom + oy

    def to_world(self, sx: float, sy: float) -> tuple[float, float]:
        ox, oy = self.origin
        return (sx - ox) / self.zoom, (sy - oy) / self.zoom

    def pan(self, dx: float, dy: float) -> None:
        """Move the view by a screen delta (the world follows the mouse when dragging)."""
        self.cx -= dx / self.zoom
        self.cy -= dy / self.zoom
        self._clamp()

    def zoom_at(self, steps: int, at: tuple[float, float]) -> None:
        """Zoom by whole steps keeping the world point under screen pixel `at` in place."""
        new = min(max(self.zoom + steps, ZOOM_MIN), ZOOM_MAX)
        if new == self.zoom:
            return
        wx, wy = self.to_world(*at)
        w, h = self.viewport
        self.zoom = new
        self.cx = wx - (at[0] - w / 2) / new
        self.cy = wy - (at[1] - h / 2) / new
        self._clamp()

    def ease_toward(self, point: tuple[float, float], fraction: float) -> None:
        """Move the centre `fraction` of the way to a world point (zoom stays): called every
        frame with a fraction from the frame's delta, the view glides instead of jumping."""
        self.cx += (point[0] - self.cx) * fraction
        self.cy += (point[1] - self.cy) * fraction
        self._clamp()

    def move(self, dx: float = 0, dy: float = 0, zoom: int = 0,
             at: tuple[float, float] | None = None, recentre: bool = False) -> None:
        """Recentre (if asked), then zoom by `zoom` steps around `at` (None: the middle of the
        view), then pan by (dx, dy) screen px."""
        if recentre:
            self.recentre()
        if zoom:
            w, h = self.viewport
            self.zoom_at(zoom, at if at is not None else (w // 2, h // 2))
        if dx or dy:
            self.pan(dx, dy)

    def centre_on(self, wx: float, wy: float) -> None:
        """Put world point (wx, wy) in the middle of the view, as near as the bounds allow."""
        self.cx, self.cy = self.clamped(wx, wy)

    def view_rect(self) -> tuple[float, float, float, float]:
        """The world rectangle on screen: left, top, width, height in native px."""
        w, h = self.viewport
        x, y = self.to_world(0, 0)
        return x, y, w / self.zoom, h / self.zoom

    def recentre(self) -> None:
        self.cx, self.cy = self.home
        self._clamp()

    def resize(self, viewport: tuple[int, int]) -> None:
        self.viewport = viewport
        self._clamp()

    def clamped(self, wx: float, wy: float) -> tuple[float, float]:
        """The centre nearest world point (wx, wy) that the bounds allow."""
        x0, y0, x1, y1 = self.bounds
        return min(max(wx, x0), x1), min(max(wy, y0), y1)

    def _clamp(self) -> None:
        self.cx, self.cy = self.clamped(self.cx, self.cy)
