"""The Textual app: the clock and hash, the metrics with sparklines, the citizens table with
the highlighted citizen's card (+ and - change its level of detail) and the feed (scrollable,
filtered by what is typed after `/`). Keys scrub a history: ← → ten ticks, , . one tick, [ ] a
phase, Home and End its start and head, b the next branch, space plays.

Following a served town, the keys for time are off: space pauses following, m marks the
highlighted citizen as a card's target (the highlighted one is the target when none is marked),
and 1 … 9, 0 play the cards in the table's order, the owner's answer told in one line.

It shows a `Projected` document of the source's moment and a `Projected` card: a refresh that
finds the town where it was redraws nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Input, Label, Sparkline, Static

from game import config
from game.projections.card import MAX_LOD, Card, CardAsk
from game.projections.document import TownDocument
from game.projections.feedfilter import EVERY_EVENT, FeedFilter
from game.projections.projected import Moment, Projected, follow
from game.sim.cards import CARDS
from game.tui import rows
from game.tui.source import Source

REFRESH_SECONDS = 0.25
CARD_LOD = 2  # the card's level of detail at first: worldview and recent lines
# The keys for time, detail and cards: off while the filter is being typed into.
KEY_ACTIONS = frozenset({"scrub", "start", "head", "branch", "play", "detail", "card", "mark"})
TIME_ACTIONS = frozenset({"scrub", "start", "head", "branch"})  # a saved history's only
CARD_ACTIONS = frozenset({"card", "mark"})  # a served town's only
CARD_KEYS = "1234567890"  # the cards in the table's order
# The header's icon: a house, in every terminal font (Textual's own, ⭘, is missing from many
# and shows as a box).
ICON = "⌂"


class TownApp(App[None]):
    TITLE = "Agent Town"
    CSS = """
    #clock { background: $boost; padding: 0 1; }
    #metrics { padding: 0 1; }
    #sparks { height: 3; }
    #sparks Vertical { width: 1fr; }
    #sparks Label { padding: 0 1; color: $text-muted; }
    #sparks Sparkline { height: 2; }
    #citizens-pane { width: auto; max-width: 50%; }
    #citizens { width: auto; height: 1fr; }
    #card { height: auto; max-height: 12; border-top: solid $primary; padding: 0 1; }
    #feed-pane { width: 1fr; }
    #problem { color: $error; padding: 0 1; }
    #answer { color: $accent; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "scrub(-10)", "−10", priority=True),
        Binding("right", "scrub(10)", "+10", priority=True),
        Binding("comma", "scrub(-1)", "−1", show=False, priority=True),
        Binding("full_stop", "scrub(1)", "+1", show=False, priority=True),
        Binding("left_square_bracket", f"scrub(-{config.PHASE_TICKS})", "−phase",
                priority=True),
        Binding("right_square_bracket", f"scrub({config.PHASE_TICKS})", "+phase",
                priority=True),
        Binding("home", "start", "start", show=False, priority=True),
        Binding("end", "head", "head", show=False, priority=True),
        Binding("b", "branch", "branch", priority=True),
        Binding("space", "play", "play/pause", priority=True),
        Binding("plus", "detail(1)", "detail", priority=True),
        Binding("minus", "detail(-1)", "less", show=False, priority=True),
        *(Binding(key, f"card({name!r})", spec.title, show=False, priority=True)
          for key, (name, spec) in zip(CARD_KEYS, CARDS.items(), strict=False)),
        Binding("m", "mark", "mark target", priority=True),
        Binding("slash", "filter", "filter"),
        Binding("escape", "leave_filter", "done", show=False),
        Binding("q", "quit", "quit"),
    ]

    def __init__(self, source: Source) -> None:
        super().__init__()
        self.source = source
        self.shown: Projected[Moment, TownDocument] | None = None
        self.card: Projected[CardAsk, Card] | None = None
        self.citizen = 0  # the citizens table's highlighted row
        self.lod = CARD_LOD
        self.wanted = EVERY_EVENT  # the feed's filter: the words typed after `/`
        self.marked: list[int] = []  # the citizens a card will be aimed at
        # The panes, held from the start: a refresh that runs while the app closes updates
        # widgets already gone rather than failing to find them.
        self.clock_pane = Static(id="clock")
        self.metrics_pane = Static(id="metrics")
        self.problem_pane = Static(id="problem")
        self.answer_pane = Static(id="answer")  # the owner's answer to the last card
        self.sparks = {name: Sparkline([], id=f"spark-{name}") for name in rows.SERIES}
        self.citizens_table: DataTable[str] = DataTable(id="citizens", cursor_type="row",
                                                        zebra_stripes=True)
        self.card_pane = Static(id="card")
        self.filter_box = Input(placeholder="/ filters the feed: an op, a name, a word",
                                id="filter")
        self.feed_table: DataTable[str] = DataTable(id="feed", cursor_type="row",
                                                    zebra_stripes=True)

    @property
    def document(self) -> TownDocument:
        assert self.shown is not None, "the app shows a document once it is mounted"
        return self.shown.view

    def compose(self) -> ComposeResult:
        yield Header(icon=ICON)
        yield self.clock_pane
        yield self.metrics_pane
        with Horizontal(id="sparks"):
            for name, spark in self.sparks.items():
                with Vertical():
                    yield Label(name)
                    yield spark
        yield self.problem_pane
        yield self.answer_pane
        with Horizontal():
            with Vertical(id="citizens-pane"):
                yield self.citizens_table
                yield self.card_pane
            with Vertical(id="feed-pane"):
                yield self.filter_box
                yield self.feed_table
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.source.name
        self.citizens_table.add_columns(*rows.CITIZEN_COLUMNS)
        self.feed_table.add_columns(*rows.FEED_COLUMNS)
        self.feed_table.focus()
        self.answer_pane.display = self.source.live
        if self.source.live:
            self.answer_pane.update("cards: " + " · ".join(
                f"{key} {spec.title}" for key, spec in zip(CARD_KEYS, CARDS.values(),
                                                           strict=False)) + " · m marks")
        self.show()
        self.set_interval(REFRESH_SECONDS, self.refresh_town)

    # --- the town moves ------------------------------------------------------------------------

    def refresh_town(self) -> None:
        self.source.run_for(REFRESH_SECONDS)
        self.show()

    def show(self) -> None:
        """Project the source's moment; redraw only what a new document changes."""
        before = self.shown
        self.shown = follow(before, self.source.moment(), self.source.project)
        self._show_clock()
        if self.shown is before:
            return
        doc = self.document
        self.metrics_pane.update(rows.metrics_line(doc))
        for name, spark in self.sparks.items():
            spark.data = rows.series(doc, name)
        fill(self.citizens_table, rows.citizen_rows(doc))
        self._show_feed()
        self._show_card()

    def _show_clock(self) -> None:
        self.clock_pane.update(
            rows.clock_line(self.document, self.source.head(), self.source.playing))
        self.problem_pane.update(self.source.problem)
        self.problem_pane.display = bool(self.source.problem)

    def _show_card(self) -> None:
        assert self.shown is not None
        self.card = follow(self.card, CardAsk(self.shown.state, self.citizen, self.lod),
                           self.source.project_card)
        self.card_pane.update("\n".join(rows.card_lines(self.card.view)))

    def _show_feed(self) -> None:
        fill(self.feed_table, rows.feed_rows(self.document, self.wanted))

    # --- what a person asks --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys for time go to the filter while it is typed into."""
        typing = isinstance(self.focused, Input)
        if action in (CARD_ACTIONS if not self.source.live else TIME_ACTIONS):
            return False  # neither shown nor taken: this source has no such thing
        return not (typing and action in KEY_ACTIONS)

    def action_scrub(self, ticks: int) -> None:
        self.source.playing = False
        self.source.seek(self.source.moment().tick + ticks)
        self.show()

    def action_start(self) -> None:
        self.action_scrub(-self.source.moment().tick)

    def action_head(self) -> None:
        self.action_scrub(self.source.head() - self.source.moment().tick)

    def action_branch(self) -> None:
        names = self.source.branches()
        here = names.index(self.source.moment().branch)
        self.source.switch(names[(here + 1) % len(names)])
        self.show()

    def action_play(self) -> None:
        self.source.playing = not self.source.playing
        self._show_clock()

    def action_detail(self, step: int) -> None:
        self.lod = max(0, min(MAX_LOD, self.lod + step))
        self._show_card()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The citizens table's cursor chooses the card (a refill's passing reset ignored)."""
        table = event.data_table
        if table is self.citizens_table and event.cursor_row == table.cursor_row:
            self.citizen = event.cursor_row
            self._show_card()

    def action_mark(self) -> None:
        """Mark the highlighted citizen as a target (again: unmark it); three at most."""
        here = self.citizen
        self.marked = ([i for i in self.marked if i != here] if here in self.marked
                       else [*self.marked, here][-3:])
        names = ", ".join(self.document.citizens[i].name for i in self.marked)
        self.answer_pane.update(f"targets: {names or 'the highlighted citizen'}")

    def action_card(self, name: str) -> None:
        """Play a card at the marked citizens (or the highlighted one); tell the answer."""
        spec = CARDS[name]
        aimed = self.marked or [self.citizen]
        targets = [self.document.citizens[i].id for i in aimed][: spec.max_targets]
        self.answer_pane.update(self.source.play(name, targets))

    def action_filter(self) -> None:
        self.filter_box.focus()

    def action_leave_filter(self) -> None:
        self.feed_table.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.wanted = FeedFilter(words=event.value)
        self._show_feed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_leave_filter()


def fill(table: DataTable[str], content: Sequence[tuple[str, ...]]) -> None:
    """Replace a table's rows, keeping its cursor and where it was scrolled to."""
    row, scroll = table.cursor_row, table.scroll_y
    table.clear()
    table.add_rows(content)
    if content:
        table.move_cursor(row=min(row, len(content) - 1), scroll=False)
    table.scroll_to(y=scroll, animate=False)
