"""Every user action, declared once: the bindings, the help screen and the palette come from here.

Keeping one table means a key cannot be documented in the help screen but missing
from the app, or offered in the command palette under another name.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

PANES: dict[str, str] = {
    "app": "Everywhere",
    "timeline": "Timeline",
    "reader": "Reader",
    "navigator": "Related navigator",
    "list": "Story, topic and bookmark lists",
    "search": "Search (in the box and the results)",
    "search_box": "Search box",
    "search_results": "Search results",
}


@dataclass(frozen=True, slots=True)
class UserAction:
    """One thing a user can do.

    ``action`` is the Textual action string run by the binding, relative to the
    pane's widget (``app.`` actions run on the app from any pane). ``palette`` is
    the command-palette title, or None for keys that only make sense in a pane
    (scrolling, cursor moves).
    """

    id: str
    keys: tuple[str, ...]
    description: str
    pane: str
    help: str
    action: str
    palette: str | None = None
    show: bool = True
    key_display: str | None = None
    priority: bool = False  # checked before the focused widget sees the key (see _a)

    @property
    def keys_text(self) -> str:
        return " / ".join(_pretty(key) for key in self.keys)


def _pretty(key: str) -> str:
    names = {
        "question_mark": "?",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "less_than_sign": "<",
        "greater_than_sign": ">",
        "slash": "/",
        "space": "Space",
        "enter": "Enter",
        "escape": "Esc",
        "tab": "Tab",
        "shift+tab": "Shift-Tab",
        "pageup": "PgUp",
        "pagedown": "PgDn",
        "home": "Home",
        "end": "End",
        "up": "↑",
        "down": "↓",
        "left": "←",
        "right": "→",
        "alt+left": "Alt-←",
        "alt+right": "Alt-→",
        "ctrl+p": "Ctrl-P",
        "f1": "F1",
        "f2": "F2",
        "f3": "F3",
        "delete": "Del",
    }
    if key.startswith("ctrl+") and key not in names:
        return "Ctrl-" + key.removeprefix("ctrl+").upper()
    return names.get(key, key)


def _a(
    id: str,
    keys: str,
    description: str,
    pane: str,
    help: str,
    action: str | None = None,
    palette: str | None = None,
    show: bool = True,
    priority: bool = False,
) -> UserAction:
    return UserAction(
        id=id,
        keys=tuple(keys.split(",")),
        description=description,
        pane=pane,
        help=help,
        action=action or f"app.{id}",
        palette=palette,
        show=show,
        priority=priority,
    )


# fmt: off
ACTIONS: tuple[UserAction, ...] = (
    # Everywhere
    _a('help', 'question_mark,f1', 'Help', 'app',
       'List every key, by pane.', palette='Help: show all keys'),
    _a('quit', 'q', 'Quit', 'app',
       'Quit Chronicle (bookmarks, history and position are kept).', palette='Quit'),
    _a('command_palette', 'ctrl+p', 'Commands', 'app',
       'Command palette: every action, and open an event by its title.', show=False),
    _a('focus_next', 'tab', 'Next pane', 'app',
       'Move focus to the next pane.', show=False),
    _a('focus_previous', 'shift+tab', 'Previous pane', 'app',
       'Move focus to the previous pane.', show=False),
    _a('focus_timeline', '1', 'Timeline', 'app',
       'Focus the timeline pane (shows it if hidden); the results while searching.',
       palette='Focus the timeline', show=False),
    _a('focus_reader', '2', 'Reader', 'app',
       'Focus the reader pane.', palette='Focus the reader', show=False),
    _a('focus_navigator', '3', 'Related', 'app',
       'Focus the related navigator (shows it if hidden).',
       palette='Focus the related navigator', show=False),
    _a('toggle_timeline', 'f2', 'Timeline pane', 'app',
       'Show or hide the timeline pane.', palette='Show/hide the timeline pane', show=False),
    _a('toggle_navigator', 'f3', 'Related pane', 'app',
       'Show or hide the related navigator.',
       palette='Show/hide the related navigator', show=False),
    _a('back', 'left_square_bracket,alt+left', 'Back', 'app',
       'Go back to the previous place (timeline picks, related jumps, searches).',
       palette='Go back'),
    _a('forward', 'right_square_bracket,alt+right', 'Forward', 'app',
       'Go forward again after going back.', palette='Go forward', show=False),
    _a('jump', 'g', 'Go to date', 'app',
       'Jump to a date: 2011-11-12, 2011-11 or 2011 (nearest day with events).',
       palette='Jump to a date…', priority=True),  # the date typed straight after g too
    _a('search', 'slash,ctrl+f', 'Search', 'app',
       'Search the archive as you type (the syntax of chronicle search); '
       'the results replace the timeline until Esc.', palette='Search the archive…',
       priority=True),  # keys typed straight after / must reach the box, not the old focus
    _a('next_result', 'n', 'Next result', 'app',
       'While searching: open the next result (the reader follows). Otherwise n is next day.',
       palette='Open the next search result', show=False),
    _a('previous_result', 'N', 'Prev result', 'app',
       'While searching: open the previous result.',
       palette='Open the previous search result', show=False),
    _a('next_day', 'n', 'Next day', 'app',
       'Show the next day that has events.', palette='Next day with events', show=False),
    _a('previous_day', 'p', 'Prev day', 'app',
       'Show the previous day that has events.', palette='Previous day with events', show=False),
    _a('first_day', 'less_than_sign', 'First day', 'app',
       'Show the first day of the archive.', palette='First day of the archive', show=False),
    _a('last_day', 'greater_than_sign', 'Last day', 'app',
       'Show the newest day of the archive.',
       palette='Last (newest) day of the archive', show=False),
    _a('bookmark', 'b', 'Bookmark', 'app',
       'Bookmark the shown page, or remove its bookmark.', palette='Toggle bookmark on this page'),
    _a('bookmarks', 'B', 'Bookmarks', 'app',
       'List bookmarks; Enter opens, d removes.', palette='List bookmarks', show=False),
    _a('follow_story', 's', 'Story', 'app',
       "Follow the shown event's story: all its events in date order.",
       palette="Follow this event's story"),
    _a('follow_topic', 't', 'Topic', 'app',
       'Follow a topic of the shown event (or the topic of the highlighted related item).',
       palette='Follow a topic of this event', show=False),
    _a('open_source', 'o', 'Open source #', 'app',
       'Open source N of the shown event in the browser: o, then the number.',
       palette='Open source number… in the browser', show=False),
    _a('copy_link', 'y', 'Copy link', 'app',
       "Copy the selected link (or the page's first) to the clipboard.",
       palette='Copy the selected link', show=False),
    _a('change_theme', 'T', 'Theme', 'app',
       'Choose a colour theme (remembered).', palette='Change theme…', show=False),
    # Timeline
    _a('tl_down', 'down,j', 'Down', 'timeline',
       'Move down the timeline.', 'cursor_down', show=False),
    _a('tl_up', 'up,k', 'Up', 'timeline',
       'Move up the timeline.', 'cursor_up', show=False),
    _a('tl_select', 'enter', 'Open', 'timeline',
       'Open the day page or event under the cursor (expands years and months).', 'select_cursor'),
    _a('tl_toggle', 'space', 'Expand', 'timeline',
       'Expand or collapse a year, month or day.', 'toggle_node'),
    _a('tl_expand', 'right,l', 'Expand', 'timeline',
       'Expand the node under the cursor.', 'expand_here', show=False),
    _a('tl_collapse', 'left,h', 'Collapse', 'timeline',
       'Collapse the node, or go to its parent.', 'collapse_here', show=False),
    # Reader
    _a('rd_down', 'j,down', 'Scroll', 'reader',
       'Scroll down a line.', 'scroll_down', show=False),
    _a('rd_up', 'k,up', 'Scroll up', 'reader',
       'Scroll up a line.', 'scroll_up', show=False),
    _a('rd_page_down', 'pagedown,space', 'Page down', 'reader',
       'Scroll down a page.', 'page_down', show=False),
    _a('rd_page_up', 'pageup', 'Page up', 'reader',
       'Scroll up a page.', 'page_up', show=False),
    _a('rd_home', 'home', 'Top', 'reader',
       'Go to the top.', 'scroll_home', show=False),
    _a('rd_end', 'end', 'Bottom', 'reader',
       'Go to the bottom.', 'scroll_end', show=False),
    _a('rd_next_link', 'l', 'Next link', 'reader',
       'Select the next link (source, linked article, related event).', 'next_link'),
    _a('rd_prev_link', 'L', 'Prev link', 'reader',
       'Select the previous link.', 'previous_link', show=False),
    _a('rd_activate', 'enter', 'Follow link', 'reader',
       'Open the selected link: a source in the browser, an event or article in the reader.',
       'activate_link'),
    # Related navigator
    _a('nv_down', 'down,j', 'Down', 'navigator',
       'Next related item.', 'cursor_down', show=False),
    _a('nv_up', 'up,k', 'Up', 'navigator',
       'Previous related item.', 'cursor_up', show=False),
    _a('nv_open', 'enter', 'Open', 'navigator',
       'Open the highlighted item in the reader.', 'select'),
    # Story, topic and bookmark lists
    _a('ls_open', 'enter', 'Open', 'list',
       'Open the highlighted event.', 'select'),
    _a('ls_close', 'escape', 'Close', 'list',
       'Close the list and go back to the reader.', 'app.pop_screen'),
    _a('ls_delete', 'd,delete', 'Remove', 'list',
       'In the bookmark list: remove the bookmark.', 'remove'),
    # Search, in the box and the results
    _a('sr_sort', 'ctrl+o', 'Sort', 'search',
       'Order the results: by relevance → newest first → oldest first.', 'app.search_sort',
       palette='Search: change the order of the results'),
    _a('sr_kind', 'ctrl+t', 'Kind', 'search',
       'Show all kinds → events only → articles only.', 'app.search_kind',
       palette='Search: change the kind filter'),
    _a('sr_topic', 'ctrl+n', 'Topic', 'search',
       "Narrow to one of the results' topics (listed with counts above the results).",
       'app.search_topic', palette='Search: narrow to a topic'),
    _a('sr_suggestion', 'ctrl+y', 'Did you mean', 'search',
       'Run the suggested spelling ("Did you mean …?").', 'app.search_suggestion',
       palette='Search: run the suggested spelling'),
    _a('sr_close', 'escape', 'Close', 'search',
       'Close the search: the timeline comes back where it was.', 'app.close_search'),
    # Search box
    _a('sb_submit', 'enter', 'Results', 'search_box',
       'Go to the results (the search is kept in history and recent searches).',
       'app.submit_search'),
    _a('sb_older', 'up', 'Older', 'search_box',
       'Recall an older recent search (kept between runs).', 'recall_older', show=False),
    _a('sb_newer', 'down', 'Newer', 'search_box',
       'Recall a newer recent search, then what you were typing.', 'recall_newer',
       show=False),
    # Search results
    _a('rs_down', 'down,j', 'Down', 'search_results',
       'Next result.', 'cursor_down', show=False),
    _a('rs_up', 'up,k', 'Up', 'search_results',
       'Previous result.', 'cursor_up', show=False),
    _a('rs_open', 'enter', 'Open', 'search_results',
       'Open the highlighted result in the reader, matched words highlighted.', 'select'),
)
# fmt: on


def actions_for(pane: str) -> list[UserAction]:
    return [a for a in ACTIONS if a.pane == pane]


def bindings_for(pane: str, *, skip: tuple[str, ...] = ()) -> list[Binding]:
    """Textual bindings for one pane, generated from the table."""
    bindings: list[Binding] = []
    for act in actions_for(pane):
        if act.id in skip:
            continue
        bindings.append(
            Binding(
                ",".join(act.keys),
                act.action,
                act.description,
                show=act.show,
                key_display=_pretty(act.keys[0]),
                priority=act.priority,
            )
        )
    return bindings


def key_text(action_id: str) -> str:
    """The keys of one action as the help screen shows them (for hints in the UI)."""
    return next(a.keys_text for a in ACTIONS if a.id == action_id)


def palette_actions() -> list[UserAction]:
    return [a for a in ACTIONS if a.palette]
