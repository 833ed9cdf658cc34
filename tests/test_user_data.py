"""User data: bookmarks, history and state persist, each archive its own places; files
from before per-archive data are taken over; corrupt files are set aside."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tui.app.history import Location
from tui.app.user_data import UserData, write_json_atomic
from tui.config import archive_data_dir

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


# -- one folder per archive ---------------------------------------------------------

DAY = Location("day", "2016-06-05", "2016-06-05")


def test_each_archive_gets_its_own_safe_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = archive_data_dir(data, tmp_path / "a" / "news archive")
    other = archive_data_dir(data, tmp_path / "b" / "news archive")
    assert first.parent == other.parent == data / "archives"
    assert first != other  # same last part, other path: another folder
    assert first.name.startswith("news-archive-")
    (tmp_path / "a" / "news archive").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "a")
    assert archive_data_dir(data, tmp_path / "link" / "news archive") == first  # resolved
    odd = archive_data_dir(data, tmp_path / ("..~ Ünï\x1b[31m/*?:" + "x" * 80))
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,32}-[0-9a-f]{16}", odd.name)
    assert re.fullmatch(r"archive-[0-9a-f]{16}", archive_data_dir(data, Path("/")).name)


def test_places_stay_with_their_archive_and_settings_are_shared(tmp_path: Path) -> None:
    first, other = tmp_path / "first", tmp_path / "other"
    data = UserData(tmp_path, first)
    data.toggle_bookmark(MARK)
    data.history.visit(DAY)
    data.history.visit(MARK)
    data.save_history()
    data.set_state(last=MARK.to_dict(), theme="nord")
    data.add_search("taraz")
    elsewhere = UserData(tmp_path, other)
    assert elsewhere.bookmarks == [] and elsewhere.history.entries == []
    assert "last" not in elsewhere.state
    assert elsewhere.state["theme"] == "nord" and elsewhere.searches == ["taraz"]
    elsewhere.set_state(last=DAY.to_dict())
    back = UserData(tmp_path, first)
    assert back.bookmarks == [MARK] and back.history.current == MARK
    assert back.state["last"] == MARK.to_dict()
    assert json.loads((tmp_path / "state.json").read_text(encoding="utf-8")) == {"theme": "nord"}
    assert not (tmp_path / "bookmarks.json").exists()


def _legacy(directory: Path) -> None:
    """The files an earlier Chronicle kept at the top of the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    write_json_atomic(directory / "bookmarks.json", [MARK.to_dict()])
    write_json_atomic(directory / "history.json",
                      {"index": 1, "entries": [DAY.to_dict(), MARK.to_dict()]})
    write_json_atomic(directory / "state.json",
                      {"theme": "nord", "last": MARK.to_dict(), "timeline_day": "2016-06-05"})


def test_the_first_archive_opened_takes_over_the_data_from_before(tmp_path: Path) -> None:
    _legacy(tmp_path)
    data = UserData(tmp_path, tmp_path / "first")
    assert data.bookmarks == [MARK] and data.history.current == MARK
    assert data.history.can_go_back()
    assert data.state == {"theme": "nord", "last": MARK.to_dict(), "timeline_day": "2016-06-05"}
    assert data.notices and not data.problems
    folder = archive_data_dir(tmp_path, tmp_path / "first")
    assert sorted(p.name for p in folder.iterdir()) == [
        "bookmarks.json", "history.json", "state.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "archives", "legacy-claim.json", "state.json"]
    assert json.loads((tmp_path / "legacy-claim.json").read_text(encoding="utf-8"))["done"]
    assert json.loads((tmp_path / "state.json").read_text(encoding="utf-8")) == {"theme": "nord"}
    other = UserData(tmp_path, tmp_path / "other")
    assert other.bookmarks == [] and other.history.entries == [] and not other.notices
    assert other.state == {"theme": "nord"}
    again = UserData(tmp_path, tmp_path / "first")
    assert again.bookmarks == [MARK] and again.history.current == MARK and not again.notices


def test_a_takeover_cut_short_is_finished_by_its_own_archive_only(tmp_path: Path) -> None:
    _legacy(tmp_path)
    (tmp_path / "archives").write_text("in the way", encoding="utf-8")
    failed = UserData(tmp_path, tmp_path / "first")
    assert any("kept in" in p for p in failed.problems)
    assert failed.bookmarks == []
    assert (tmp_path / "bookmarks.json").exists() and (tmp_path / "legacy-claim.json").exists()
    (tmp_path / "archives").unlink()
    other = UserData(tmp_path, tmp_path / "other")
    assert other.bookmarks == [] and "last" not in other.state
    assert (tmp_path / "bookmarks.json").exists()
    finished = UserData(tmp_path, tmp_path / "first")
    assert finished.bookmarks == [MARK] and finished.state["last"] == MARK.to_dict()
    assert json.loads((tmp_path / "legacy-claim.json").read_text(encoding="utf-8"))["done"]
    assert not (tmp_path / "bookmarks.json").exists()


def test_data_from_before_is_taken_over_once(tmp_path: Path) -> None:
    """Files an older version writes at the top after the takeover (an app started
    before the upgrade, saving as it ends) are left there: no other archive shows them."""
    _legacy(tmp_path)
    UserData(tmp_path, tmp_path / "first")
    _legacy(tmp_path)
    other = UserData(tmp_path, tmp_path / "other")
    assert other.bookmarks == [] and other.history.entries == [] and not other.notices
    assert "last" not in other.state
    assert (tmp_path / "bookmarks.json").exists()  # left, not lost


def test_an_archive_path_that_is_not_utf8_takes_over_without_a_crash(tmp_path: Path) -> None:
    _legacy(tmp_path)
    odd = tmp_path / os.fsdecode(b"arch\xe9")
    data = UserData(tmp_path, odd)
    assert data.bookmarks == [MARK] and not data.problems
    claim = json.loads((tmp_path / "legacy-claim.json").read_text(encoding="utf-8"))
    assert claim["archive"].endswith("arch\\xe9")


def test_a_directory_that_cannot_be_looked_into_is_a_problem_not_a_crash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _legacy(tmp_path)
    real = Path.exists

    def denied(path: Path) -> bool:
        if path.parent == tmp_path:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "exists", denied)
    data = UserData(tmp_path, tmp_path / "first")
    assert any("Permission denied" in p for p in data.problems)
    assert data.bookmarks == []
    monkeypatch.undo()
    assert (tmp_path / "bookmarks.json").exists()  # left where it was


def test_an_archive_folder_is_never_overwritten_by_data_from_before(tmp_path: Path) -> None:
    data = UserData(tmp_path, tmp_path / "first")
    data.toggle_bookmark(DAY)
    _legacy(tmp_path)
    again = UserData(tmp_path, tmp_path / "first")
    assert again.bookmarks == [DAY]
    assert (tmp_path / "bookmarks.json").exists()  # not taken, not lost


def test_corrupt_files_are_set_aside_in_both_places(tmp_path: Path) -> None:
    _legacy(tmp_path)
    (tmp_path / "history.json").write_text("[1, 2", encoding="utf-8")
    data = UserData(tmp_path, tmp_path / "first")
    assert data.bookmarks == [MARK] and data.history.entries == []
    assert any("history.json" in p and "moved aside" in p for p in data.problems)
    assert list(tmp_path.glob("history.json.corrupt-*"))
    folder = data.archive_directory
    (folder / "bookmarks.json").write_text("{oops", encoding="utf-8")
    again = UserData(tmp_path, tmp_path / "first")
    assert again.bookmarks == [] and again.history.current is None
    assert any("bookmarks.json" in p and "moved aside" in p for p in again.problems)
    assert list(folder.glob("bookmarks.json.corrupt-*"))


def test_opening_a_place_writes_only_the_archive_file(tmp_path: Path) -> None:
    data = UserData(tmp_path, tmp_path / "first", write_behind=True)
    data.set_state(theme="nord")
    shared = (tmp_path / "state.json")
    data.flush()
    before = shared.stat().st_mtime_ns
    data.set_state(last=MARK.to_dict(), timeline_day="2016-06-05")
    data.flush()
    assert shared.stat().st_mtime_ns == before
    own = json.loads((data.archive_directory / "state.json").read_text(encoding="utf-8"))
    assert own == {"last": MARK.to_dict(), "timeline_day": "2016-06-05"}
