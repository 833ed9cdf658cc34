"""The help screen (``?`` / F1): every key, by pane, generated from the actions table."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.app.actions import ACTIONS, PANES, bindings_for


def help_renderable() -> Group:
    """One table per pane; built from the same table as the bindings, so it cannot drift."""
    tables = []
    for pane, title in PANES.items():
        table = Table(
            title=Text(title, style="bold"),
            title_justify="left",
            expand=True,
            show_header=False,
            box=None,
            padding=(0, 1),
        )
        table.add_column("keys", style="bold cyan", no_wrap=True, width=18)
        table.add_column("what it does", ratio=1)
        for act in ACTIONS:
            if act.pane == pane:
                table.add_row(Text(act.keys_text), Text(act.help))
        tables.append(table)
        tables.append(Text(""))
    tables.append(
        Text(
            "Mouse: click a pane to focus it, click a row or link to open it, "
            "scroll with the wheel.",
            style="dim",
        )
    )
    return Group(*tables)


class HelpScreen(ModalScreen[None]):
    """Keys by pane; Esc, q, ? or F1 closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 110; height: 90%;
        border: heavy $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [
        *bindings_for("list", skip=("ls_open", "ls_delete")),
        ("q,question_mark,f1", "app.pop_screen", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Chronicle keys"
            yield Static(help_renderable(), id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
