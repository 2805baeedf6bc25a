"""The command-line contract that later issues and the evaluation rely on."""

from __future__ import annotations

import gc
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot import cli as cli_module
from bot.cli_shared import get_pipeline
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "corpus" / "dev-questions.jsonl"


@pytest.fixture
def run(settings: Settings):
    """Invoke the CLI in-process against a private copy of the built index."""
    get_pipeline.cache_clear()

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(cli_module.cli, list(args), input=input, catch_exceptions=False)

    yield invoke
    get_pipeline.cache_clear()


def test_units_json_lists_all_units_in_document_order(run) -> None:
    result = run("units", "--json")
    assert result.exit_code == 0
    units = json.loads(result.output)
    assert [u["id"] for u in units[:2]] == ["citation-1", "citation-2"]
    assert [u["id"] for u in units if u["kind"] == "paragraph"][-1] == "paragraph-17"
    assert len(units) == 50 and set(units[0]) == {"id", "kind", "label", "text"}


def test_search_json_returns_k_hits_best_first(run) -> None:
    result = run("search", "--json", "-k", "3", "Who is Maks Bokayev?")
    assert result.exit_code == 0
    hits = json.loads(result.output)
    assert len(hits) == 3 and set(hits[0]) == {"id", "score", "text"}
    assert hits[0]["id"] in {"recital-D", "paragraph-4"}
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_ask_json_has_the_contract_fields(run) -> None:
    result = run("ask", "--json", "Que dit la résolution sur l'égalité entre les femmes et les hommes ?")
    assert result.exit_code == 0
    answer = json.loads(result.output)
    assert set(answer) == {"answer", "language", "citations", "refused", "quotes"}
    assert answer["quotes"] and {q["language"] for q in answer["quotes"]} == {"fr"}
    assert answer["language"] == "fr" and answer["refused"] is False and "recital-O" in answer["citations"]


def test_ask_json_resolves_a_followup_with_history(run) -> None:
    result = run("ask", "--json", "--history", "Parle-moi du mouvement CDK",
                 "Et à combien d'années a-t-il été condamné ?")
    answer = json.loads(result.output)
    assert answer["citations"][0] == "recital-I" and "ans de prison" in answer["answer"]


def test_ask_prints_the_answer_and_the_cited_units(run) -> None:
    result = run("ask", "What should happen to victims of torture?")
    assert result.exit_code == 0
    assert "(para. 10)" in result.output and "— Sources —" in result.output
    assert "[para. 10] Calls for follow-up" in result.output
    assert "French original" not in result.output
    original = run("ask", "--original", "What should happen to victims of torture?")
    assert "[French original] demande que les communications" in original.output


@pytest.mark.parametrize("question", ["", "   \n\t "])
def test_empty_question_is_a_usage_error_with_a_clear_message(run, question: str) -> None:
    result = run("ask", "--json", question)
    assert result.exit_code == 2
    assert "Votre message est vide" in result.output


@pytest.mark.parametrize("question", [
    "**What** does _paragraph 6_ say?",
    "What does __paragraph 6__ say?",
    "What does `paragraph 6` say?",
    "What does [paragraph 6](https://example.org/p6) say?",
    "Que dit le *§ 6* ?",
])
def test_markdown_in_a_question_is_read_as_its_text(run, question: str) -> None:
    result = run("ask", "--json", question)
    assert result.exit_code == 0
    answer = json.loads(result.stdout)
    assert answer["citations"] == ["paragraph-6"] and not answer["refused"]


def test_emoji_only_question_gets_a_message_not_a_crash(run) -> None:
    result = run("ask", "--json", "😀🎉")
    assert result.exit_code == 0
    answer = json.loads(result.output)
    assert answer["refused"] and answer["citations"] == [] and "mots" in answer["answer"]


def test_ten_thousand_character_question_is_cut_and_answered(run) -> None:
    question = "What does the resolution say about trade unions? " + "x" * 10_000
    result = run("ask", "--json", question)
    assert result.exit_code == 0
    assert json.loads(result.output)["answer"].startswith("(Your question was long")


def test_chat_keeps_the_conversation(run) -> None:
    result = run("chat", input="What does the resolution say about Ardak Ashim?\nWas he released?\n")
    assert result.exit_code == 0
    answers = result.output.split("> ")
    assert "Ardak Ashim" in answers[1] and "(para. 3)" in answers[2]


def test_index_reports_unchanged_corpus(run) -> None:
    result = run("index")
    assert result.exit_code == 0 and "index up to date: 50 units" in result.output


@pytest.mark.skipif(not DEV.exists(), reason="../shared/corpus is not beside the project")
def test_eval_prints_metrics_per_language(run) -> None:
    result = run("eval", "--json", str(DEV))
    report = json.loads(result.output)
    assert set(report["by_language"]) == {"fr", "en"}
    assert report["overall"]["language_match"] == 1.0 and report["overall"]["questions"] == 18


def test_eval_rejects_a_malformed_file_clearly(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "question": "q"}\nnot json\n', encoding="utf-8")
    result = run("eval", str(bad))
    assert result.exit_code == 1 and "missing field(s) lang, type" in result.output


def test_python_dash_m_bot_runs_the_cli(settings: Settings) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "units", "--json"], capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 50


# What the console script runs (pyproject [project.scripts]), then how the collector stood.
_COLLECTOR_AFTER = """
import gc, json, sys
from bot import cli, cli_shared
automatic = []  # collections the collector started by itself, and whether the pipeline was open then
opened = cli_shared.get_pipeline.cache_info
gc.callbacks.append(lambda phase, info: phase == "start" and automatic.append(opened().currsize))
sys.argv = ["resobot", *sys.argv[1:]]
try:
    cli.main()
except SystemExit as exc:
    assert not exc.code, exc.code
after = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count(), "before_open": automatic.count(0)}
print(json.dumps(after))
"""


def test_the_console_script_holds_the_collector_until_the_pipeline_is_open_then_turns_it_back_on(
    settings: Settings,
) -> None:
    done = subprocess.run([sys.executable, "-c", _COLLECTOR_AFTER, "ask", "--json", "Qui est Maks Bokayev ?"],
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    after = json.loads(done.stdout.splitlines()[-1])
    # no collection while Chroma, LangChain and the model loaded; what they created is frozen, and the
    # collector is on again for what follows (a chat, the Telegram bot)
    assert after["before_open"] == 0 and after["frozen"] > 10_000 and after["enabled"] is True


def test_running_the_cli_from_python_leaves_the_collector_as_it_was(run) -> None:
    assert run("ask", "--json", "Qui est Maks Bokayev ?").exit_code == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_documented_test_command_is_what_ci_runs() -> None:
    page = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")
    (command,) = [c for c in re.findall(r"```bash\n(.+?)\n```", page) if "pytest" in c]
    assert command.endswith(".venv/bin/python -m pytest")
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_llm_flag_without_a_model_is_a_usage_error(run) -> None:
    result = run("ask", "--llm", "Qui est Maks Bokayev ?")
    assert result.exit_code == 2 and "LLM_MODEL" in result.output


def test_ask_refuses_an_absent_subject_mid_conversation_naming_it_and_offering_nearby_ones(run) -> None:
    history = ["--history", "Who is Erlan Baltabay?", "--history", "What does it say about torture?"]
    result = run("ask", *history, "What does the Parliament urge about deforestation?")
    assert result.exit_code == 0
    assert result.output.startswith("Resolution 2019/2610(RSP) does not mention “deforestation”")
    assert "Nearby subjects it does cover:" in result.output and "(para. " in result.output
    switched = run("ask", "--json", *history, "And what about the bloggers?")
    answer = json.loads(switched.output)
    assert not answer["refused"] and {"recital-L", "paragraph-9"} & set(answer["citations"])


def test_ask_refuses_a_fact_the_text_does_not_give_about_a_name_it_gives(run) -> None:
    history = ["--history", "What does the resolution say about the media law?"]
    result = run("ask", "--json", *history, "How long was Natalia Ulasik held in psychiatric care?")
    answer = json.loads(result.output)
    assert answer["refused"] and answer["citations"] == []
    assert answer["answer"].startswith("Resolution 2019/2610(RSP) does not give this information")


def test_eval_reports_out_of_scope_alone_and_mid_conversation_and_topic_switches(run, tmp_path: Path) -> None:
    rows = [
        {"id": "a", "lang": "en", "type": "oos", "question": "What about deforestation?", "gold": []},
        {"id": "b", "lang": "en", "type": "oos", "question": "What about deforestation?", "gold": [],
         "history": ["Who is Erlan Baltabay?", "What about torture?"]},
        {"id": "c", "lang": "fr", "type": "fact", "question": "Et les blogueurs ?", "gold": ["recital-L"],
         "relevant": ["recital-L", "paragraph-9"], "history": ["Qui est Erlan Baltabay ?"]},
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    report = json.loads(run("eval", "--json", str(path)).output)["overall"]
    assert (report["oos_alone"], report["oos_alone_n"]) == (1.0, 1)
    assert (report["oos_in_chat"], report["oos_in_chat_n"]) == (1.0, 1)
    assert (report["switch_gold"], report["switch_gold_n"]) == (1.0, 1)


def test_units_in_english_have_the_same_ids_in_the_same_order(run) -> None:
    french = json.loads(run("units", "--json").output)
    english = json.loads(run("units", "--json", "--language", "en").output)
    assert [u["id"] for u in english] == [u["id"] for u in french]
    assert english[8]["text"].startswith("whereas") and french[8]["text"].startswith("considérant")
