"""Assets: where files live, the manifest, every image (converted once), and the pixel font.

`resource_path` is the one way to find a bundled file, from a source checkout, an installed
package or a PyInstaller bundle. A missing or broken file raises `AssetError` naming it. `Font`
draws text from game/assets/font.png; `nine_slice` stretches a bordered panel image. Loads only:
no scaling per zoom (sprites.py) and never imports the simulation.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pygame
from pydantic import BaseModel, ValidationError

from game.view.palette import Colour

ASSET_DIR = "assets"
MANIFEST = "manifest.json"
_PACKAGE = Path(__file__).resolve().parent.parent  # game/: the assets ship inside the package
REMEMBERED_WORDS = 4096  # words whose width a font keeps (then it forgets them all)


class AssetError(Exception):
    """An asset file is missing or unusable; the message names the file."""


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. resource_path("assets", "font.png").

    The files are package data under game/ (so a checkout, an editable install and a wheel all
    find them beside the code); inside a PyInstaller bundle build.spec puts them under
    sys._MEIPASS with the same relative names.
    """
    frozen = getattr(sys, "frozen", False)
    base = Path(getattr(sys, "_MEIPASS", _PACKAGE)) if frozen else _PACKAGE
    return base.joinpath(*parts)


class ImageEntry(BaseModel):
    size: tuple[int, int]
    anchor: tuple[int, int]
    frame: tuple[int, int] | None = None
    rows: tuple[str, ...] | None = None
    cols: tuple[str, ...] | None = None
    slice: tuple[int, int, int, int] | None = None
    icon_at: tuple[int, int] | None = None  # where a card's icon sits on the card art


class FontEntry(BaseModel):
    file: str
    line_height: int
    baseline: int
    glyphs: dict[str, tuple[int, int, int, int, int]]  # x, y, w, h, advance


class Manifest(BaseModel):
    palette: list[str]
    tile: tuple[int, int]
    images: dict[str, ImageEntry]
    font: FontEntry


class Font:
    """A bitmap font: white glyphs on a sheet, recoloured when rendered. Text is ASCII-ish;
    a character the sheet lacks is drawn as '?'."""

    def __init__(self, sheet: pygame.Surface, entry: FontEntry) -> None:
        self.line_height = entry.line_height
        self.baseline = entry.baseline
        self._glyphs = {ch: (sheet.subsurface((x, y, w, h)), adv)
                        for ch, (x, y, w, h, adv) in entry.glyphs.items()}
        self._fallback = self._glyphs["?"]
        self._advances: dict[str, int] = {}

    def width(self, text: str) -> int:
        """Pixel width of one line (the last glyph's trailing spacing excluded)."""
        if not text:
            return 0
        return sum(self._glyphs.get(ch, self._fallback)[1] for ch in text) - 1

    def render(self, text: str, colour: Colour) -> pygame.Surface:
        """One line of text at native size on a transparent surface."""
        surface = pygame.Surface((max(self.width(text), 1), self.line_height), pygame.SRCALPHA)
        x = 0
        blits: list[tuple[pygame.Surface, tuple[int, int]]] = []
        for ch in text:
            glyph, advance = self._glyphs.get(ch, self._fallback)
            blits.append((glyph, (x, 0)))
            x += advance
        surface.fblits(blits)
        surface.fill((*colour, 255), special_flags=pygame.BLEND_RGBA_MULT)
        return surface

    def outlined(self, text: str, colour: Colour, outline: Colour) -> pygame.Surface:
        """Text with a one-pixel outline all round, readable on any ground."""
        inner = self.render(text, colour)
        edge = self.render(text, outline)
        w, h = inner.get_size()
        surface = pygame.Surface((w + 2, h + 2), pygame.SRCALPHA)
        surface.fblits([(edge, (1 + dx, 1 + dy)) for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                        if dx or dy])
        surface.blit(inner, (1, 1))
        return surface

    def wrap(self, text: str, max_width: int) -> list[str]:
        """Greedy word wrap into lines no wider than max_width (a word longer than a line, such
        as a path, is broken between letters)."""
        lines: list[str] = []
        line, line_advance = "", 0
        space = self._glyphs.get(" ", self._fallback)[1]
        for word in (piece for w in text.split() for piece in self._pieces(w, max_width)):
            advance = self._advance(word)
            if line and line_advance + space + advance - 1 > max_width:  # the two's width
                lines.append(line)
                line, line_advance = word, advance
            elif line:
                line, line_advance = f"{line} {word}", line_advance + space + advance
            else:
                line, line_advance = word, advance
        if line:
            lines.append(line)
        return lines

    def _advance(self, word: str) -> int:
        """The advances of a word's glyphs summed (its width, and the spacing after its last
        glyph), remembered: bubbles and feed rows wrap the same names and words again and
        again."""
        advance = self._advances.get(word)
        if advance is None:
            if len(self._advances) >= REMEMBERED_WORDS:
                self._advances.clear()
            advance = self._advances[word] = sum(
                self._glyphs.get(ch, self._fallback)[1] for ch in word)
        return advance

    def _pieces(self, word: str, max_width: int) -> list[str]:
        """The word in pieces no wider than max_width (at least one letter each)."""
        if self._advance(word) - 1 <= max_width:
            return [word]
        pieces: list[str] = []
        while self.width(word) > max_width and len(word) > 1:
            k = next((k for k in range(len(word) - 1, 0, -1)
                      if self.width(word[:k]) <= max_width), 1)
            pieces.append(word[:k])
            word = word[k:]
        return [*pieces, word]


def nine_slice(image: pygame.Surface, border: tuple[int, int, int, int],
               size: tuple[int, int]) -> pygame.Surface:
    """Stretch a bordered image to `size`: corners kept, edges and middle stretched (nearest)."""
    left, top, right, bottom = border
    iw, ih = image.get_size()
    w, h = max(size[0], left + right), max(size[1], top + bottom)
    out = pygame.Surface((w, h), pygame.SRCALPHA)
    xs = ((0, left, 0, left), (left, iw - right, left, w - right), (iw - right, iw, w - right, w))
    ys = ((0, top, 0, top), (top, ih - bottom, top, h - bottom), (ih - bottom, ih, h - bottom, h))
    for sx0, sx1, dx0, dx1 in xs:
        for sy0, sy1, dy0, dy1 in ys:
            if sx1 <= sx0 or sy1 <= sy0 or dx1 <= dx0 or dy1 <= dy0:
                continue
            part = image.subsurface((sx0, sy0, sx1 - sx0, sy1 - sy0))
            out.blit(pygame.transform.scale(part, (dx1 - dx0, dy1 - dy0)), (dx0, dy0))
    return out


class Assets:
    """Every image named in the manifest, loaded and converted once, plus the font."""

    def __init__(self, manifest: Manifest, images: dict[str, pygame.Surface]) -> None:
        self.manifest = manifest
        self.images = images
        self.font = Font(images[manifest.font.file], manifest.font)

    @classmethod
    def load(cls, directory: Path | None = None) -> Assets:
        """Load assets/ (or `directory`). Call after the display mode is set, so images convert."""
        folder = directory if directory is not None else resource_path(ASSET_DIR)
        manifest = _read_manifest(folder / MANIFEST)
        images = {name: _load_image(folder / name, entry.size)
                  for name, entry in manifest.images.items()}
        return cls(manifest, images)

    def image(self, name: str) -> pygame.Surface:
        try:
            return self.images[name]
        except KeyError:
            raise AssetError(f"missing asset: {ASSET_DIR}/{name} (not in the manifest)") from None

    def entry(self, name: str) -> ImageEntry:
        try:
            return self.manifest.images[name]
        except KeyError:
            raise AssetError(f"missing asset: {ASSET_DIR}/{name} (not in the manifest)") from None


def _label(path: Path) -> str:
    return f"{ASSET_DIR}/{path.name}"


def _read_manifest(path: Path) -> Manifest:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AssetError(f"missing asset: {_label(path)}") from None
    except OSError as err:
        raise AssetError(f"broken asset: {_label(path)}: {err.strerror}") from None
    try:
        return Manifest.model_validate(json.loads(text))
    except json.JSONDecodeError as err:
        raise AssetError(f"broken asset: {_label(path)}: line {err.lineno}: {err.msg}") from None
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise AssetError(f"broken asset: {_label(path)}: {where}: {first['msg']}") from None


def _load_image(path: Path, size: tuple[int, int]) -> pygame.Surface:
    if not path.is_file():
        raise AssetError(f"missing asset: {_label(path)}")
    try:
        surface = pygame.image.load(str(path))
    except (pygame.error, OSError) as err:
        raise AssetError(f"broken asset: {_label(path)}: {err}") from None
    if surface.get_size() != tuple(size):
        w, h = surface.get_size()
        raise AssetError(f"broken asset: {_label(path)}: {w}×{h} px, the manifest says "
                         f"{size[0]}×{size[1]}")
    return surface.convert_alpha() if pygame.display.get_surface() is not None else surface
