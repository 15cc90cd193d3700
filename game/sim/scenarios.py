"""Built-in scenarios: who lives in the town, where, and which regions are in play.

`mpp` (3 citizens, 2 regions), `village` (7, 4 regions), `town` (25, the default: 5 of each
archetype over all 8 regions) and `city:N` (N generated citizens, capacities scaled to fit).
Pure: never imports pygame or the view.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from game import limits
from game.sim.model import ARCHETYPE_ORDER, Citizen
from game.sim.townmap import REGION_INDEX, REGION_NAMES

TOWN_NAMES: dict[str, tuple[str, ...]] = {
    "Builder": ("Bruno", "Marta", "Ivo", "Greta", "Otto"),
    "Trader": ("Rosa", "Silas", "Nadia", "Felix", "Lena"),
    "Healer": ("Ada", "Tomas", "Mira", "Hugo", "Elsa"),
    "Scholar": ("Quinn", "Iris", "Theo", "Vera", "Pavel"),
    "Watcher": ("Igor", "Wren", "Osric", "Clara", "Edda"),
}
# Where each of an archetype's five citizens lives in the 25-town (all eight regions used).
TOWN_HOMES: dict[str, tuple[str, ...]] = {
    "Builder": ("workshop", "workshop", "square", "workshop", "inn"),
    "Trader": ("market", "market", "square", "market", "inn"),
    "Healer": ("garden", "inn", "garden", "inn", "garden"),
    "Scholar": ("library", "observatory", "library", "observatory", "archive"),
    "Watcher": ("archive", "square", "archive", "observatory", "square"),
}
CITY_FIRST = ("Ada", "Bruno", "Clara", "Dario", "Elsa", "Felix", "Greta", "Hugo", "Iris", "Jonas",
              "Kira", "Lena", "Milo", "Nadia", "Otto", "Pavel", "Quinn", "Rosa", "Silas", "Theo",
              "Uma", "Vera", "Wren", "Xavi", "Yara", "Zeno")
CITY_LAST = ("Alder", "Brook", "Cole", "Dale", "Ember", "Frost", "Glen", "Hale", "Ives", "Juniper",
             "Kemp", "Lark", "Moss", "Noble", "Oak", "Pike", "Quill", "Reed", "Stone", "Thorn",
             "Underhill", "Vale", "Wick", "Yew")


@dataclass(frozen=True)
class Scenario:
    name: str
    citizens: tuple[Citizen, ...]
    regions: tuple[int, ...]  # regions in play; walks never leave them
    capacity_scale: int  # capacities multiplied by this (cities need room)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _citizen(name: str, archetype: str, home: str, evolving: bool) -> Citizen:
    return Citizen(id=slug(name), name=name, archetype=archetype, home=REGION_INDEX[home],
                   evolving=evolving)


def _town() -> Scenario:
    citizens = tuple(
        _citizen(TOWN_NAMES[a][k], a, TOWN_HOMES[a][k], evolving=k == 0)
        for k in range(5) for a in ARCHETYPE_ORDER
    )
    return Scenario("town", citizens, tuple(range(len(REGION_NAMES))), 1)


def _mpp() -> Scenario:
    citizens = (
        _citizen("Ada", "Healer", "inn", evolving=True),
        _citizen("Bruno", "Builder", "square", evolving=False),
        _citizen("Quinn", "Scholar", "inn", evolving=False),
    )
    return Scenario("mpp", citizens, (REGION_INDEX["inn"], REGION_INDEX["square"]), 1)


def _village() -> Scenario:
    picks = (("Ada", "Healer", "garden"), ("Bruno", "Builder", "square"),
             ("Rosa", "Trader", "market"), ("Quinn", "Scholar", "inn"),
             ("Igor", "Watcher", "square"), ("Marta", "Builder", "inn"),
             ("Silas", "Trader", "market"))
    citizens = tuple(_citizen(n, a, h, evolving=i < 1) for i, (n, a, h) in enumerate(picks))
    regions = tuple(REGION_INDEX[r] for r in ("inn", "square", "garden", "market"))
    return Scenario("village", citizens, regions, 1)


def _city(n: int) -> Scenario:
    citizens = []
    combos = len(CITY_FIRST) * len(CITY_LAST)
    for i in range(n):
        first = CITY_FIRST[i % len(CITY_FIRST)]
        last = CITY_LAST[(i // len(CITY_FIRST)) % len(CITY_LAST)]
        name = f"{first} {last}" + (f" {i // combos + 1}" if i >= combos else "")
        archetype = ARCHETYPE_ORDER[i % len(ARCHETYPE_ORDER)]
        home = REGION_NAMES[(i * 3) % len(REGION_NAMES)]
        citizens.append(_citizen(name, archetype, home, evolving=i < len(ARCHETYPE_ORDER)))
    scale = max(1, math.ceil(n / 25))
    return Scenario(f"city:{n}", tuple(citizens), tuple(range(len(REGION_NAMES))), scale)


SCENARIO_NAMES = ("mpp", "village", "town", "city:N")


def scenario(name: str) -> Scenario:
    """The scenario called `name`; a ValueError that names the choices otherwise, or the limit
    (citizens, and the memory they need) a city goes beyond, before anything is allocated."""
    fixed = {"mpp": _mpp, "village": _village, "town": _town}
    if name in fixed:
        return fixed[name]()
    match = re.fullmatch(r"city:(\d+)", name)
    if match:
        digits = match.group(1).lstrip("0") or "0"
        n = int(digits) if len(digits) <= 9 else limits.MAX_CITIZENS + 1
        return _city(limits.check_citizens(n))
    raise ValueError(f"unknown scenario {limits.shown(name)} "
                     f"(choose {', '.join(SCENARIO_NAMES)})")
