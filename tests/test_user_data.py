"""User data: bookmarks, history and state persist; corrupt files are set aside."""

from __future__ import annotations

import json
from pathlib import Path

from tui.app.history import Location
from tui.app.user_data import UserData, write_json_atomic

MARK = Location("event", "news/2011/11/12/x.md", "A [bold]headline[/]")


def test_bookmarks_persist_and_toggle(tmp_path: Path) -> None:
    data = UserData(tmp_path)
    assert data.toggle_bookmark(MARK) is True
    again = UserData(tmp_path)
    assert again.bookmarks == [MARK]
    assert again.is_bookmarked(MARK.kind, MARK.ref)
    assert again.toggle_bookmark(MARK) is False
    assert UserData(tmp_path).bookmarks == []


def test_history_and_state_persist(tmp_path: Path) -> None:
    data = UserData(tmp_path)
    data.history.visit(Location("day", "2011-11-12"))
    data.history.visit(MARK)
    data.save_history()
    data.set_state(theme="nord", last=MARK.to_dict())
    again = UserData(tmp_path)
    assert again.history.current == MARK
    assert again.history.can_go_back()
    assert again.state["theme"] == "nord"
    assert Location.from_dict(again.state["last"]) == MARK


def test_recent_searches_are_deduplicated_newest_first(tmp_path: Path) -> None:
    data = UserData(tmp_path)
    for query in ("taraz", "kazakhstan", "taraz", "  "):
        data.add_search(query)
    assert UserData(tmp_path).searches == ["taraz", "kazakhstan"]


def test_corrupt_file_is_moved_aside_and_reported(tmp_path: Path) -> None:
    (tmp_path / "bookmarks.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "state.json").write_text("[1, 2]", encoding="utf-8")
    data = UserData(tmp_path)
    assert data.bookmarks == []
    assert data.state == {}
    assert len(data.problems) == 2
    assert "bookmarks.json" in data.problems[0]
    assert list(tmp_path.glob("bookmarks.json.corrupt-*"))
    assert list(tmp_path.glob("state.json.corrupt-*"))
    assert not (tmp_path / "bookmarks.json").exists()
    data.toggle_bookmark(MARK)
    assert UserData(tmp_path).bookmarks == [MARK]


def test_malformed_bookmark_entries_are_skipped(tmp_path: Path) -> None:
    entries = [MARK.to_dict(), {"kind": "event"}]
    (tmp_path / "bookmarks.json").write_text(json.dumps(entries), encoding="utf-8")
    data = UserData(tmp_path)
    assert data.bookmarks == [MARK]
    assert data.problems


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "x.json"
    write_json_atomic(target, {"a": 1})
    write_json_atomic(target, {"a": 2})
    assert json.loads(target.read_text(encoding="utf-8")) == {"a": 2}
    assert [p.name for p in target.parent.iterdir()] == ["x.json"]


def test_unwritable_directory_is_reported_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    data = UserData(blocker / "inside")
    data.toggle_bookmark(MARK)
    assert data.problems and "Could not save" in data.problems[-1]


def test_writing_behind_keeps_the_newest_of_each_file_once_flushed(tmp_path: Path) -> None:
    data = UserData(tmp_path, write_behind=True)
    for number in range(30):
        data.set_state(last={"kind": "day", "ref": f"2011-11-{number + 1:02d}"})
    data.toggle_bookmark(MARK)
    data.flush()
    again = UserData(tmp_path)
    assert again.state["last"]["ref"] == "2011-11-30"
    assert again.bookmarks == [MARK]
    assert not list(tmp_path.glob(".*.tmp"))
