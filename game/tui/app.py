"""The Textual app: the clock and hash, the metrics with sparklines, the citizens table and the
feed (scrollable, filtered by what is typed after `/`). Keys scrub a history: ← → ten ticks,
, . one tick, [ ] a phase, Home and End its start and head, b the next branch, space plays.

It shows a `Projected` document of the source's moment: a refresh that finds the town where it
was redraws nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Input, Label, Sparkline, Static

from game import config
from game.projections.document import TownDocument
from game.projections.projected import Moment, Projected
from game.tui import rows
from game.tui.source import Source

REFRESH_SECONDS = 0.25
# The keys that move through time: off while the filter is being typed into.
SCRUB_ACTIONS = frozenset({"scrub", "start", "head", "branch", "play"})


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
    #citizens { width: auto; }
    #feed-pane { width: 1fr; }
    #problem { color: $error; padding: 0 1; }
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
        Binding("slash", "filter", "filter"),
        Binding("escape", "leave_filter", "done", show=False),
        Binding("q", "quit", "quit"),
    ]

    def __init__(self, source: Source) -> None:
        super().__init__()
        self.source = source
        self.shown: Projected[Moment, TownDocument] | None = None
        self.query_text = ""

    @property
    def document(self) -> TownDocument:
        assert self.shown is not None, "the app shows a document once it is mounted"
        return self.shown.view

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="clock")
        yield Static(id="metrics")
        with Horizontal(id="sparks"):
            for name in rows.SERIES:
                with Vertical():
                    yield Label(name)
                    yield Sparkline([], id=f"spark-{name}")
        yield Static(id="problem")
        with Horizontal():
            with Vertical(id="citizens-pane"):
                yield DataTable(id="citizens", cursor_type="row", zebra_stripes=True)
            with Vertical(id="feed-pane"):
                yield Input(placeholder="/ filters the feed: an op, a name, a word", id="filter")
                yield DataTable(id="feed", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.source.name
        self.query_one("#citizens", DataTable).add_columns(*rows.CITIZEN_COLUMNS)
        self.query_one("#feed", DataTable).add_columns(*rows.FEED_COLUMNS)
        self.query_one("#feed", DataTable).focus()
        self.show()
        self.set_interval(REFRESH_SECONDS, self.refresh_town)

    # --- the town moves ------------------------------------------------------------------------

    def refresh_town(self) -> None:
        self.source.run_for(REFRESH_SECONDS)
        self.show()

    def show(self) -> None:
        """Project the source's moment; redraw only what a new document changes."""
        before = self.shown
        here = self.source.moment()
        self.shown = (Projected(here, self.source.project) if before is None
                      else before.with_state(here))
        self._show_clock()
        if self.shown is before:
            return
        doc = self.document
        self.query_one("#metrics", Static).update(rows.metrics_line(doc))
        for name in rows.SERIES:
            self.query_one(f"#spark-{name}", Sparkline).data = rows.series(doc, name)
        fill(self.query_one("#citizens", DataTable), rows.citizen_rows(doc))
        self._show_feed()

    def _show_clock(self) -> None:
        self.query_one("#clock", Static).update(
            rows.clock_line(self.document, self.source.head(), self.source.playing))
        problem = self.query_one("#problem", Static)
        problem.update(self.source.problem)
        problem.display = bool(self.source.problem)

    def _show_feed(self) -> None:
        fill(self.query_one("#feed", DataTable), rows.feed_rows(self.document, self.query_text))

    # --- what a person asks --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys for time go to the filter while it is typed into."""
        typing = isinstance(self.focused, Input)
        return not (typing and action in SCRUB_ACTIONS)

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

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_leave_filter(self) -> None:
        self.query_one("#feed", DataTable).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self._show_feed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_leave_filter()


def fill(table: DataTable[str], content: Sequence[tuple[str, ...]]) -> None:
    """Replace a table's rows, keeping where it was scrolled to."""
    scroll = table.scroll_y
    table.clear()
    table.add_rows(content)
    table.scroll_to(y=scroll, animate=False)
