"""The committed art in game/assets/ is exactly what tools/make_assets.py draws, and it keeps the
art direction's hard rules: one palette, no semi-transparency, complete manifest and font."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pygame
import pytest

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "game" / "assets"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_assets", ROOT / "tools" / "make_assets.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("assets")
    load_generator().generate(out)
    return out


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ASSETS / "manifest.json").read_text(encoding="utf-8"))
    return data


def rgba(path: Path) -> np.ndarray:
    surface = pygame.image.load(str(path))
    w, h = surface.get_size()
    return np.frombuffer(pygame.image.tobytes(surface, "RGBA"), np.uint8).reshape(h, w, 4)


def test_generator_reproduces_committed_assets_pixel_for_pixel(generated: Path) -> None:
    committed = sorted(p.name for p in ASSETS.glob("*.png"))
    assert committed == sorted(p.name for p in generated.glob("*.png"))
    for name in committed:
        assert np.array_equal(rgba(ASSETS / name), rgba(generated / name)), name
    assert (ASSETS / "manifest.json").read_text(encoding="utf-8") == (
        generated / "manifest.json"
    ).read_text(encoding="utf-8")


def test_every_opaque_pixel_is_a_palette_colour_and_alpha_is_binary(
    manifest: dict[str, Any],
) -> None:
    palette = {tuple(bytes.fromhex(h.lstrip("#"))) for h in manifest["palette"]}
    assert len(palette) == 32
    for path in ASSETS.glob("*.png"):
        pixels = rgba(path)
        alpha = pixels[..., 3]
        assert set(np.unique(alpha).tolist()) <= {0, 255}, path.name
        opaque = {tuple(c) for c in np.unique(pixels[alpha == 255][:, :3], axis=0).tolist()}
        assert opaque <= palette, (path.name, opaque - palette)


def test_every_manifest_image_exists_with_its_stated_size(manifest: dict[str, Any]) -> None:
    for name, entry in manifest["images"].items():
        surface = pygame.image.load(str(ASSETS / name))
        assert list(surface.get_size()) == entry["size"], name
        ax, ay = entry["anchor"]
        assert 0 <= ax <= entry["size"][0] and 0 <= ay <= entry["size"][1], name


def test_font_covers_printable_ascii(manifest: dict[str, Any]) -> None:
    glyphs = manifest["font"]["glyphs"]
    missing = [chr(c) for c in range(32, 127) if chr(c) not in glyphs]
    assert missing == []
    width = manifest["images"]["font.png"]["size"][0]
    for x, _, w, _, advance in glyphs.values():
        assert x + w <= width and advance > w


def test_each_archetype_has_its_own_silhouette(manifest: dict[str, Any]) -> None:
    masks = {}
    for name, entry in manifest["images"].items():
        if name.startswith("citizen_"):
            fw, fh = entry["frame"]
            assert entry["rows"][0] == "SE" and entry["cols"][0] == "idle0"
            masks[name] = rgba(ASSETS / name)[:fh, :fw, 3] == 255
    assert len(masks) == 5
    names = sorted(masks)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert (masks[a] != masks[b]).sum() >= 6, (a, b)


def test_app_icon_containers_are_regenerated_byte_for_byte(generated: Path) -> None:
    for name in ("app_icon.ico", "app_icon.icns"):
        assert (ASSETS / name).read_bytes() == (generated / name).read_bytes(), name
    ico = (ASSETS / "app_icon.ico").read_bytes()
    assert ico[:6] == b"\x00\x00\x01\x00\x02\x00"  # an icon directory of two images
    icns = (ASSETS / "app_icon.icns").read_bytes()
    assert icns[:4] == b"icns" and int.from_bytes(icns[4:8], "big") == len(icns)
