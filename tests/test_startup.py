"""The index is checked at start: a corrupt embedded store is moved aside (never deleted) and rebuilt."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot import startup
from bot.settings import Settings
from bot.startup import StoreError, open_pipeline

GARBAGE = b"this is not a SQLite database\n" * 100


def test_corrupt_store_is_moved_aside_and_rebuilt(settings: Settings, caplog: pytest.LogCaptureFixture
                                                  ) -> None:
    (settings.store_dir / "chroma.sqlite3").write_bytes(GARBAGE)
    pipeline = open_pipeline(settings)
    assert pipeline.index.units.count() == 100  # 50 units, in French and in English
    assert "(§ 4)" in pipeline.ask("Qui est Maks Bokayev ?").text
    (aside,) = settings.resobot_data_dir.glob("chroma.broken-*")
    assert (aside / "chroma.sqlite3").read_bytes() == GARBAGE  # kept, for whoever wants to look
    assert any("moving it aside and rebuilding" in r.getMessage() for r in caplog.records)


def test_store_that_cannot_be_rebuilt_is_a_clear_error(settings: Settings, monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    def broken(_: Settings, **__: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(startup, "Pipeline", broken)
    with pytest.raises(StoreError, match=r"was broken and could not be rebuilt \(disk full\)") as caught:
        open_pipeline(settings)
    assert "resobot index --force" in str(caught.value)
    assert len(list(settings.resobot_data_dir.glob("chroma.broken-*"))) == 1


def test_missing_corpus_is_not_blamed_on_the_store(settings: Settings, tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    missing = settings.model_copy(update={"resobot_corpus": tmp_path / "nowhere.txt"})
    with pytest.raises(FileNotFoundError, match="corpus file not found"):
        open_pipeline(missing)
    assert settings.store_dir.exists() and not list(settings.resobot_data_dir.glob("chroma.broken-*"))


def test_moving_aside_never_overwrites_an_earlier_broken_copy(tmp_path: Path) -> None:
    first, second = tmp_path / "chroma", tmp_path / "chroma"
    first.mkdir()
    a = startup.move_aside(first)
    second.mkdir()
    b = startup.move_aside(second)
    assert a != b and a.exists() and b.exists() and not (tmp_path / "chroma").exists()
