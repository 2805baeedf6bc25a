"""What every start works out from the corpus (the alignment check, the vocabulary, the BM25 tokens) is kept
in the data dir (index/derived.py): a start on a built index reads it, gets the same vocabulary and the
same search results, and anything else — another corpus, another version of the code or its data, a
damaged file, a data dir that cannot be written — means working it out again, never a wrong answer."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

import index.derived as derived_module
from bot.settings import DEFAULT_CORPUS_EN, Settings
from index.align import AlignmentError
from index.coverage import Vocabulary
from index.derived import FILE_NAME, Derived, cache_key, derive, work_out
from index.models import Document
from index.parse import parse_resolution
from index.retrieve import Retriever
from index.store import build_index

QUESTIONS = [
    "Qui est Maks Bokayev ?",
    "What does the resolution say about trade unions?",
    "Que dit la résolution sur les inondations ?",
    "Is the Parliament happy about anything?",
]


@pytest.fixture(scope="module")
def english() -> Document:
    return parse_resolution(DEFAULT_CORPUS_EN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fresh(document: Document, english: Document) -> Derived:
    return work_out(document, english)


def same(a: Derived, b: Derived) -> bool:
    return a.vocabulary.as_json() == b.vocabulary.as_json() and a.tokens == b.tokens


def test_the_kept_vocabulary_has_every_attribute_of_the_one_it_was_kept_from(fresh: Derived) -> None:
    """A new attribute of Vocabulary that `as_json` does not keep fails here, not as a wrong answer."""
    kept = Vocabulary.from_json(json.loads(json.dumps(fresh.vocabulary.as_json())))
    assert vars(kept).keys() == vars(fresh.vocabulary).keys()
    for name, value in vars(fresh.vocabulary).items():
        assert getattr(kept, name) == value, name


def test_a_start_on_a_built_index_reads_what_the_corpus_gives_from_the_data_dir(
    settings: Settings, fresh: Derived, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = json.loads((settings.resobot_data_dir / FILE_NAME).read_text(encoding="utf-8"))
    assert set(kept) == {"key", "vocabulary", "tokens"} and set(kept["tokens"]) == {"fr", "en"}

    def not_again(*_: object) -> Derived:
        raise AssertionError("worked out again")

    monkeypatch.setattr(derived_module, "work_out", not_again)
    monkeypatch.setattr(derived_module, "check_alignment", not_again)
    index, report = build_index(settings)
    assert not report.rebuilt and index.derived is not None
    assert same(index.derived, fresh)


def test_search_over_the_kept_data_ranks_as_over_data_worked_out_afresh(settings: Settings) -> None:
    index, _ = build_index(settings)
    afresh = Retriever(replace(index, derived=None), settings)  # works the vocabulary and tokens out
    kept = Retriever(index, settings)
    for question in QUESTIONS:
        for language in ("fr", "en"):
            ours, theirs = kept.search(question, [], language), afresh.search(question, [], language)
            assert [(h.unit.id, h.score) for h in ours.hits] == [(h.unit.id, h.score) for h in theirs.hits]
            assert ours.uncovered == theirs.uncovered and ours.naming == theirs.naming


KEY = cache_key("fingerprint")
DAMAGED = [
    '{"key": "another corpus", "tokens": {}}',
    "{not json",
    "",
    json.dumps({"key": KEY, "tokens": {"fr": [["a"]]}, "vocabulary": {}}),  # the right key, not the data
    json.dumps({"key": KEY, "tokens": {"fr": 5, "en": 6}, "vocabulary": {"unit_words": 1}}),
]


@pytest.mark.parametrize("content", DAMAGED)
def test_a_file_for_something_else_or_damaged_is_worked_out_again_and_rewritten(
    tmp_path: Path, document: Document, english: Document, fresh: Derived, content: str
) -> None:
    (tmp_path / FILE_NAME).write_text(content, encoding="utf-8")
    assert same(derive(document, english, "fingerprint", tmp_path), fresh)
    assert json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))["key"] == KEY


def test_a_data_dir_that_cannot_be_written_works_everything_out_each_time(
    tmp_path: Path, document: Document, english: Document, fresh: Derived
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory", encoding="utf-8")
    assert same(derive(document, english, "fingerprint", blocked / "data"), fresh)
    assert same(derive(document, english, "fingerprint", blocked / "data"), fresh)


def test_the_key_changes_with_the_corpus_and_with_any_file_of_the_index_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cache_key("corpus A") != cache_key("corpus B")
    package = tmp_path / "index"
    shutil.copytree(derived_module._PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(derived_module, "_PACKAGE", package)
    before = cache_key("corpus A")
    synonyms = package / "data" / "synonyms.tsv"
    synonyms.write_text(synonyms.read_text(encoding="utf-8") + "presse\tjournaux\n", encoding="utf-8")
    after_data = cache_key("corpus A")
    (package / "coverage.py").write_text("# edited\n", encoding="utf-8")
    assert len({before, after_data, cache_key("corpus A")}) == 3


def test_a_rendering_that_does_not_match_is_refused_though_a_matching_one_was_kept(
    tmp_path: Path, document: Document, english: Document
) -> None:
    derive(document, english, "good rendering", tmp_path)
    broken_text = DEFAULT_CORPUS_EN.read_text(encoding="utf-8").replace("2018", "2017")
    with pytest.raises(AlignmentError):
        derive(document, parse_resolution(broken_text), "broken rendering", tmp_path)
    kept = json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))
    assert kept["key"] == cache_key("good rendering")  # what failed the check was not kept
