"""Agent Town's dashboard: `agent-town dashboard [FILE.town | URL]` runs it with `marimo run`;
`marimo edit` on this file opens it to extend. The town comes from `-- --town FILE|URL` or the
AGENT_TOWN_DASHBOARD environment variable (a fresh default town without either)."""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="full", app_title="Agent Town")


@app.cell
def _():
    from pathlib import Path

    import marimo as mo

    from game.dashboard import sources, widgets
    from game.sim.cards import CARDS
    return CARDS, Path, mo, sources, widgets


@app.cell
def _(Path, mo):
    # A sweep's folder: its runs to pick from (the sweep's extra loaded only then).
    source = mo.cli_args().get("town")
    if source and Path(source).is_dir():
        from game.dashboard.sweeps import Sweep
        sweep = Sweep.open(source)
        run_table = mo.ui.table(sweep.rows, selection="single", page_size=8,
                                label="the sweep's runs: pick a row to open its town there")
    else:
        sweep, run_table = None, None
    return run_table, source, sweep


@app.cell
def _(run_table, source, sources, sweep):
    if sweep is None:
        town, run_row = sources.open_town(source), None
    else:
        run_row = (run_table.value or sweep.rows[:1])[0]
        town = sweep.town(run_row)
    return run_row, town


@app.cell
def _(mo, town):
    # A served town pushes its changes (the follower below); a saved history is scrubbed.
    get_live_doc, set_live_doc = mo.state(town.document() if town.live else None)
    return get_live_doc, set_live_doc


@app.cell
def _(mo, widgets):
    # The feed and the live clock are widgets of their own: the follower sets them straight
    # from its thread.
    feed_widget, clock_widget = widgets.HtmlWidget(), widgets.HtmlWidget()
    feed_view, clock_view = mo.ui.anywidget(feed_widget), mo.ui.anywidget(clock_widget)
    feed_filter = {"wanted": widgets.feed_wanted()}
    return clock_view, clock_widget, feed_filter, feed_view, feed_widget


@app.cell
def _(clock_widget, feed_filter, feed_widget, mo, set_live_doc, town, widgets):
    # The followers: the town's stream read on a thread, a batch of events going to the feed
    # widget at once and a heartbeat to the clock (marimo sends the change to the page, no
    # cell runs); on another, the document when the town moved, once a second at most,
    # re-running the cells that draw it.
    _hashed = {"hash": ""}

    def _show_feed(rows):
        feed_widget.html = widgets.shown_feed(rows, feed_filter["wanted"])

    def _show_tick(beat):
        _hashed["hash"] = beat.get("hash") or _hashed["hash"]
        clock_widget.html = widgets.tick_html(beat, _hashed["hash"])

    def _follow_feed():
        _me = mo.current_thread()
        town.follow_feed(_show_feed, _show_tick, lambda: _me.should_exit)

    def _follow_documents():
        _me = mo.current_thread()
        town.follow_documents(set_live_doc, lambda: _me.should_exit)

    if town.live:
        mo.Thread(target=_follow_feed, daemon=True).start()
        mo.Thread(target=_follow_documents, daemon=True).start()
    return


@app.cell
def _(mo, town):
    branch = (None if town.live else
              mo.ui.dropdown(list(town.branches()), value=town.current(), label="branch"))
    lod = mo.ui.slider(0, 5, value=2, label="level of detail", show_value=True)
    feed_words = mo.ui.text(placeholder="words to look for", label="filter the feed")
    cards_only = mo.ui.checkbox(label="cards only")
    return branch, cards_only, feed_words, lod


@app.cell
def _(branch, mo, run_row, town):
    _head = None if town.live else town.head(branch.value)
    tick = (None if town.live else
            mo.ui.slider(0, _head, value=min(run_row["tick"], _head) if run_row else _head,
                         label="tick", show_value=True, full_width=True))
    return (tick,)


@app.cell
def _(branch, get_live_doc, tick, town):
    doc = get_live_doc() if town.live else town.document(branch.value, tick.value)
    return (doc,)




@app.cell
def _(mo, widgets):
    scatter = widgets.ScatterWidget()
    scatter_view = mo.ui.anywidget(scatter)
    return scatter, scatter_view


@app.cell
def _(doc, scatter, widgets):
    scatter.points = widgets.points(doc)
    return


@app.cell
def _(scatter_view):
    picked = list(scatter_view.value["picked"])
    chosen = picked[-1] if picked else 0
    return chosen, picked


@app.cell
def _(chosen, doc):
    chosen_card = doc["citizens"][chosen]
    return (chosen_card,)


@app.cell
def _(chosen_card, lod, mo, widgets):
    card_panel = mo.vstack([lod, mo.md(widgets.card_markdown(
        widgets.at_lod(chosen_card, lod.value)))])
    return (card_panel,)


@app.cell
def _(chosen, doc, mo, widgets):
    _views = doc["coalitions"]
    _mine = [v for v in _views if chosen in v["members"]] or _views[:1]
    coalition_panel = mo.vstack([
        mo.md("#### Coalitions\n" + widgets.coalitions_markdown(_views)),
        mo.Html(widgets.coalition_svg(_mine[0], doc["citizens"])) if _mine else mo.md(""),
    ])
    return (coalition_panel,)


@app.cell
def _(mo):
    get_answer, set_answer = mo.state("")
    return get_answer, set_answer


@app.cell
def _(CARDS, mo, scatter, scatter_view, set_answer, town):
    def _pad(spec):
        def play(_):  # the citizens picked when the pad is pressed
            ids = [scatter.points[i]["id"] for i in scatter_view.value["picked"]]
            ids = ids[: spec.max_targets]
            set_answer(town.play(spec.name, ids).text(spec.name))
        return mo.ui.button(label=spec.title, tooltip=spec.blurb, on_click=play)

    if not town.live:
        pads = mo.md("*A saved history: cards are played in the window or on a served town.*")
    elif not town.can_play():
        pads = mo.callout(mo.md("**Perturbation is switched off for this town**: "
                                "its owner takes no cards."), kind="warn")
    else:
        pads = mo.hstack([_pad(spec) for spec in CARDS.values()], justify="start", wrap=True)
    return (pads,)


@app.cell
def _(branch, clock_view, doc, mo, tick, town, widgets):
    _c = doc["clock"]
    header = mo.vstack([
        mo.md(f"## Agent Town · {town.name}" + (" · following live" if town.live else "")),
        mo.md(f"branch **{_c['branch']}** · tick **{_c['tick']}** · day {_c['day']} · "
              f"{_c['phase'].lower()} · {_c['time']} · {widgets.metrics_words(doc['metrics'])}"),
        mo.Html(f'<span class="town-hash">state hash {doc["hash"]}</span>'),
        clock_view if town.live else mo.md(""),
        mo.hstack([branch, tick], widths=[1, 4]) if branch is not None else mo.md(""),
    ])
    return (header,)


@app.cell
def _(mo, run_row, run_table, sweep):
    mo.vstack([] if sweep is None else [
        mo.md(f"#### The sweep's runs ({len(sweep.rows):,} rows of `{sweep.folder}`)"),
        run_table,
        mo.md(f"Showing run **{run_row['run']}** at tick **{run_row['tick']}**; "
              f"open it there in the window:"),
        mo.Html(f'<pre class="town-command">{sweep.command(run_row)}</pre>'),
    ])
    return


@app.cell
def _(
    card_panel,
    coalition_panel,
    doc,
    header,
    mo,
    scatter_view,
    town,
    widgets,
):
    if town.live:
        town.drawn()  # the follower may send the next document
    mo.vstack([
        mo.Html(widgets.STYLE),
        header,
        mo.hstack([
            mo.vstack([mo.md("#### Personality (hover names, click picks)"), scatter_view]),
            mo.vstack([mo.md("#### Citizen"), card_panel]),
            mo.vstack([mo.md("#### Metrics over time"),
                       mo.Html(widgets.metrics_svg(doc["series"], doc["metrics"],
                                                  doc["clock"]["tick"])), coalition_panel]),
        ], widths=[1.1, 1, 1.1], align="start"),
    ])
    return


@app.cell
def _(get_answer, mo, pads, picked, scatter):
    # The pads, an output of their own: a card's answer redraws them alone.
    _names = ", ".join(scatter.points[i]["name"] for i in picked) or "nobody"
    mo.vstack([mo.md(f"#### Cards · targets: {_names}"),
               mo.md("*click a citizen to aim a card, shift-click to add one*"),
               pads, mo.md(get_answer())])
    return


@app.cell
def _(cards_only, doc, feed_filter, feed_widget, feed_words, town, widgets):
    feed_filter["wanted"] = widgets.feed_wanted(feed_words.value, cards_only.value)
    feed_widget.html = widgets.shown_feed(town.feed if town.live else doc["feed"],
                                          feed_filter["wanted"])
    return


@app.cell
def _(cards_only, feed_view, feed_words, mo):
    mo.vstack([mo.md("#### Feed"), mo.hstack([feed_words, cards_only], justify="start"),
               feed_view])
    return


if __name__ == "__main__":
    app.run()
