"""The card hand: one pixel-art card per perturbation card (icon, name, hotkey), a tooltip with
what it does and what the flux charges for it, the armed card's target prompt, and cooldowns.

What a card costs is the core's word (`perturb.charges`, which a test checks by playing every
card); the hand shows it. Widgets return intents; the app plays cards through the timeline.
Never imports the timeline or the flux.
"""

from __future__ import annotations

import pygame

from game.sim.cards import CARDS
from game.sim.perturb import charges
from game.view import keys
from game.view.assets import Assets
from game.view.hud import PAD, UI_SCALE, Faces, Layer, Texts, draw_lines, lines_size
from game.view.input import ArmCard, Cancel, Intent
from game.view.palette import BRIGHT, DIM, HOTKEY, INK, SHADE, TEXT, Colour
from game.view.viewstate import ViewState

CARD = "card.png"
COOLING_ALPHA = 160  # how dark a cooling card's veil is (as `shade`'s)
# The card art is 40×56 with a 20×20 icon window; hand cards are widened to fit the longest
# name and cut down to the window plus one line for it.
WIDEN = 4  # native columns added on each side of the window
NAME_ROWS = 10
TOP_ROWS = 28  # border, icon window and a little paper below it
BOTTOM_ROWS = 4
NATIVE_W = 40 + 2 * WIDEN
NATIVE_H = TOP_ROWS + NAME_ROWS + BOTTOM_ROWS
CARD_W, CARD_H = NATIVE_W * UI_SCALE, NATIVE_H * UI_SCALE
# A hand too narrow for names shows the card art as drawn, not widened: its icon then ends
# where the next card, overlapping it, begins (it was cut).
NARROW_W = 40 * UI_SCALE
HOVER_RISE = 4 * UI_SCALE
ARMED_RISE = 10 * UI_SCALE
GAP = 2 * UI_SCALE
TOOLTIP_W = 150 * UI_SCALE
# What a card's charges are, under them in its tooltip.
MEANINGS = ("tokens: what its talk would cost a language model (counted, never spent)",
            "drama: how much it stirs the town (halves every 10 s; the camera follows it)")


def card_face(assets: Assets, card: str, key: str, named: bool = True) -> pygame.Surface:
    """A hand card at UI_SCALE: the card art widened, its window holding the card's icon, its
    key in the corner, and under it the card's name; for a hand too narrow for names, the art
    as drawn with the key under the window."""
    art = assets.image(CARD)
    w = art.get_width()
    widen = WIDEN if named else 0
    native_w = w + 2 * widen
    wide = pygame.Surface((native_w, art.get_height()), pygame.SRCALPHA)
    left, right = 6, w - 5  # columns 5 and w−5 are plain paper between border and window
    wide.blit(art, (0, 0), pygame.Rect(0, 0, left, art.get_height()))
    for k in range(widen):
        wide.blit(art, (left + k, 0), pygame.Rect(left - 1, 0, 1, art.get_height()))
    wide.blit(art, (left + widen, 0), pygame.Rect(left, 0, right - left, art.get_height()))
    for k in range(widen):
        wide.blit(art, (right + widen + k, 0), pygame.Rect(right, 0, 1, art.get_height()))
    wide.blit(art, (right + 2 * widen, 0), pygame.Rect(right, 0, w - right, art.get_height()))
    face = pygame.Surface((native_w, NATIVE_H), pygame.SRCALPHA)
    face.blit(wide, (0, 0), pygame.Rect(0, 0, native_w, TOP_ROWS))
    for k in range(NAME_ROWS):
        face.blit(wide, (0, TOP_ROWS + k), pygame.Rect(0, TOP_ROWS - 1, native_w, 1))
    h = art.get_height()
    face.blit(wide, (0, TOP_ROWS + NAME_ROWS),
              pygame.Rect(0, h - BOTTOM_ROWS, native_w, BOTTOM_ROWS))
    icon_at = assets.entry(CARD).icon_at or (12, 8)
    face.blit(assets.image(f"icon_{card}.png"), (icon_at[0] + widen, icon_at[1]))
    spec = CARDS[card]
    font = assets.font
    if named:
        name = font.render(spec.title, INK)
        face.blit(name, ((native_w - name.get_width()) // 2, TOP_ROWS))
        face.blit(font.render(key, HOTKEY), (6, 7))
    else:  # no room beside the window: the key stands where the name would
        letter = font.render(key, HOTKEY)
        face.blit(letter, ((native_w - letter.get_width()) // 2, TOP_ROWS))
    return pygame.transform.scale_by(face, UI_SCALE)


class CardHand:
    """The cards along the bottom; hover for what a card does, click (or its key) to arm it."""

    HEIGHT = CARD_H + ARMED_RISE

    def __init__(self, assets: Assets) -> None:
        self.texts = Texts(assets)
        self.faces = Faces(assets)
        self.names = list(CARDS)
        self.assets = assets
        self.shows_names = True
        self.card_w = CARD_W
        # Each card's face as drawn with its name or without, for the key it has now (a
        # person may rebind it).
        self._faces: dict[tuple[str, str, bool], pygame.Surface] = {}
        # A card's name shows whole while the next card leaves this much of it uncovered.
        self.names_need = max((CARD_W + self.texts.width(CARDS[name].title)) // 2 + UI_SCALE
                              for name in self.names)
        self.rect = pygame.Rect(0, 0, 0, self.HEIGHT)
        self.step = CARD_W + GAP
        self.hover: int | None = None
        self.layer = Layer()  # the cards as last painted

    def layout(self, rect: pygame.Rect) -> None:
        """Cards side by side, overlapping when the hand is narrow; when they would cover each
        other's names, the names go (the hover tooltip names a card) rather than show cut."""
        self.rect = rect
        step = self.step_for(rect.w)
        self.shows_names = step >= self.names_need
        self.card_w = CARD_W if self.shows_names else NARROW_W
        self.step = step if self.shows_names else self.step_for(rect.w, NARROW_W)

    def face(self, name: str) -> pygame.Surface:
        """Card `name` as the hand shows it now."""
        key = (name, keys.card_key(name), self.shows_names)
        face = self._faces.get(key)
        if face is None:
            face = self._faces[key] = card_face(self.assets, name, key[1], self.shows_names)
        return face

    def step_for(self, width: int, card_w: int = CARD_W) -> int:
        """How far apart cards `card_w` px wide stand in a hand `width` px wide."""
        n = len(self.names)
        return min(card_w + GAP, max(12 * UI_SCALE, (width - card_w) // max(n - 1, 1)))

    def card_rect(self, k: int, armed: bool = False) -> pygame.Rect:
        rise = ARMED_RISE if armed else HOVER_RISE if k == self.hover else 0
        h = self.face(self.names[k]).get_height()
        return pygame.Rect(self.rect.x + k * self.step, self.rect.bottom - h - rise, self.card_w,
                           h)

    def card_at(self, pos: tuple[int, int]) -> int | None:
        """The card under `pos`: later cards lie on top of earlier ones where they overlap."""
        if self.hover is not None and self.card_rect(self.hover).collidepoint(pos):
            return self.hover
        for k in range(len(self.names) - 1, -1, -1):
            if self.card_rect(k).collidepoint(pos):
                return k
        return None

    def hit(self, pos: tuple[int, int]) -> bool:
        return self.card_at(pos) is not None

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.MOUSEMOTION:
            self.hover = self.card_at(event.pos)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            k = self.card_at(event.pos)
            if k is not None:
                return ArmCard(self.names[k])
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 3:
            return Cancel()
        return None

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        """The cards, kept as last painted while none is hovered, armed or cooling anew; the
        tooltip or the targets' prompt over them."""
        hand = view.hand
        shades = tuple(self._shade(name, hand.cooling.get(name, 0.0)) for name in self.names)
        key = (self.shows_names, tuple(keys.card_key(name) for name in self.names), self.step,
               self.hover, hand.armed, shades)
        area = self.rect.inflate(4 * UI_SCALE, 4 * UI_SCALE).clip(surface.get_rect())
        self.layer.draw(surface, area, key, lambda cache: self._paint(cache, hand.armed, shades))
        if hand.armed is not None and CARDS[hand.armed].max_targets:
            self._draw_prompt(surface, view)
        elif self.hover is not None:
            self._draw_tooltip(surface, self.names[self.hover])

    def _shade(self, name: str, cooling: float) -> int:
        """How far down a card cooling is shaded (0: not cooling)."""
        if cooling <= 0:
            return 0
        return max(UI_SCALE, int(self.face(name).get_height() * cooling))

    def _paint(self, surface: pygame.Surface, armed_card: str | None,
               shades: tuple[int, ...]) -> None:
        order = [k for k in range(len(self.names)) if k != self.hover]
        order += [self.hover] if self.hover is not None else []
        for k in order:
            name = self.names[k]
            armed = name == armed_card
            r = self.card_rect(k, armed)
            surface.blit(self._cooled(name, shades[k]) if shades[k] else self.face(name),
                         r.topleft)
            if armed:
                pygame.draw.rect(surface, BRIGHT, r.inflate(2 * UI_SCALE, 2 * UI_SCALE),
                                 UI_SCALE, border_radius=2 * UI_SCALE)

    def _cooled(self, name: str, height: int) -> pygame.Surface:
        """The card with its top `height` rows darkened as `shade` darkens (the veil's colour
        blended in at its alpha), its see-through corners left see-through."""
        face = self.face(name).copy()
        part = pygame.Rect(0, 0, face.get_width(), height)
        face.fill((255 - COOLING_ALPHA,) * 3, part, special_flags=pygame.BLEND_RGB_MULT)
        face.fill(tuple(c * COOLING_ALPHA // 255 for c in SHADE), part,
                  special_flags=pygame.BLEND_RGB_ADD)
        return face

    def tooltip_lines(self, card: str) -> list[tuple[str, Colour]]:
        spec = CARDS[card]
        width = TOOLTIP_W - 2 * PAD
        lines = [(f"{spec.title} [{keys.card_key(card)}]", BRIGHT)]
        lines += [(row, TEXT) for row in self.texts.wrap(spec.blurb, width)]
        costs = charges(card)
        for charge in costs:
            lines += [(row, DIM) for row in self.texts.wrap(charge.text(), width)]
        if costs:
            lines += [(row, DIM) for meaning in MEANINGS for row in self.texts.wrap(meaning, width)]
        if spec.max_targets:
            roles = "targets (optional): " + ", ".join(spec.target_roles)
            lines += [(row, TEXT) for row in self.texts.wrap(roles, width)]
        else:
            lines.append(("plays at once", TEXT))
        return lines

    def _draw_tooltip(self, surface: pygame.Surface, card: str) -> None:
        assert self.hover is not None
        lines = self.tooltip_lines(card)
        anchor = self.card_rect(self.hover)
        self._box(surface, lines, anchor.x, anchor.y - UI_SCALE * 2)

    def _draw_prompt(self, surface: pygame.Surface, view: ViewState) -> None:
        hand = view.hand
        assert hand.armed is not None
        spec = CARDS[hand.armed]
        chosen = len(hand.targets)
        lines = [(f"{spec.title}: click the {spec.target_roles[chosen]} "
                  f"({chosen + 1} of {spec.max_targets})", BRIGHT)]
        lines += [(f"{role}: {name}", TEXT)
                  for role, name in zip(spec.target_roles, hand.targets, strict=False)]
        lines.append(("right-click or Enter plays · Esc cancels", DIM))
        self._box(surface, lines, self.rect.x, self.rect.bottom - CARD_H - ARMED_RISE - UI_SCALE)

    def _box(self, surface: pygame.Surface, lines: list[tuple[str, Colour]],
             x: int, bottom: int) -> None:
        labels = [self.texts.get(text, colour) for text, colour in lines]
        w, h = lines_size(labels)
        box = pygame.Rect(x, bottom - h, w, h).clamp(surface.get_rect())
        draw_lines(surface, self.faces, box, labels)
