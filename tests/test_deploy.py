"""The deployment files (Dockerfile, docker-compose.yml, .env.example, deploy/Caddyfile) against the code
and their documentation (docs/deployment.md). No Docker engine runs here: what can be checked without
one is checked — the compose file by docker-compose's own schema validation, the Caddyfile by
`caddy validate` (both Debian packages that .ci/run installs; RESOBOT_REQUIRE_COMPOSE=1 there turns their
skips into failures), every setting name against the settings model, and the Dockerfile's commands
against the documented ones."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from click.testing import CliRunner

from bot import cli as cli_module
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DEPLOYMENT = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
ENV_EXAMPLE = (ROOT / ".env.example").read_text(encoding="utf-8")
CADDYFILE = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
SETTINGS = {name.upper() for name in Settings.model_fields}
# Variables that are not resobot settings: read by compose itself or by the other services' images.
OTHERS = {"COMPOSE_PROFILES": "compose", "CADDY_DOMAIN": "caddy", "POSTGRES_PASSWORD": "postgres",
          "POSTGRES_USER": "postgres", "POSTGRES_DB": "postgres", "ANONYMIZED_TELEMETRY": "chroma"}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        why = f"{name} is not installed (.ci/run installs Debian's package)"
        if os.environ.get("RESOBOT_REQUIRE_COMPOSE") == "1":
            pytest.fail(why)
        pytest.skip(why)
    return path


def _compose_project(tmp_path: Path, compose_text: str | None = None) -> Path:
    """A copy of what `docker compose` reads, with .env made from .env.example as docs/deployment.md says."""
    for name in ("Dockerfile", "docker-compose.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    if compose_text is not None:
        (tmp_path / "docker-compose.yml").write_text(compose_text)
    return tmp_path


def _compose_config(project: Path) -> subprocess.CompletedProcess:
    profiles = [arg for p in ("llm", "webhook", "postgres") for arg in ("--profile", p)]
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS | set(OTHERS)}
    return subprocess.run([_tool("docker-compose"), *profiles, "config"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=60)


def _env_names(text: str) -> list[str]:
    """Variable names set in an env file, commented-out examples included."""
    return re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, re.M)


# ---------------------------------------------------------------- docker-compose.yml


def test_compose_file_passes_docker_compose_validation_with_every_profile(tmp_path: Path) -> None:
    result = _compose_config(_compose_project(tmp_path))
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert set(config["services"]) == {"bot", "chroma", "ollama", "caddy", "postgres"}
    assert config["services"]["bot"]["environment"]["CHROMA_HOST"] == "chroma"


def test_compose_validation_rejects_a_broken_file(tmp_path: Path) -> None:
    """The validation above is real: a misspelt key fails it."""
    broken = (ROOT / "docker-compose.yml").read_text().replace("restart: unless-", "restrat: unless-", 1)
    result = _compose_config(_compose_project(tmp_path, broken))
    assert result.returncode != 0 and "restrat" in result.stderr


def test_compose_runs_bot_and_chroma_by_default_and_the_rest_behind_profiles() -> None:
    services = COMPOSE["services"]
    assert {name for name, s in services.items() if "profiles" not in s} == {"bot", "chroma"}
    assert {name: s["profiles"] for name, s in services.items() if "profiles" in s} == {
        "ollama": ["llm"], "caddy": ["webhook"], "postgres": ["postgres"]}
    assert all(s["restart"] == "unless-stopped" for s in services.values())
    import chromadb

    major_minor = ".".join(chromadb.__version__.split(".")[:2])
    assert services["chroma"]["image"].startswith(f"chromadb/chroma:{major_minor}.")
    assert "chroma-data:/data" in services["chroma"]["volumes"]
    assert services["ollama"]["image"].startswith("ollama/ollama:")
    assert "ollama-models:/root/.ollama" in services["ollama"]["volumes"]
    assert services["caddy"]["image"] == "caddy:2"
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["caddy"]["volumes"]
    bot = services["bot"]
    assert bot["build"] == "." and bot["env_file"] == ".env" and "ports" not in bot  # only Caddy is public
    assert bot["command"] == ["resobot", "-v", "telegram"]


def test_every_variable_the_compose_file_passes_is_a_setting_or_another_services() -> None:
    for name, service in COMPOSE["services"].items():
        env = set(service.get("environment", {}))
        allowed = SETTINGS if name == "bot" else set(OTHERS)
        assert env <= allowed, (name, env - allowed)
    interpolated = set(re.findall(r"\$\{([A-Z0-9_]+)", (ROOT / "docker-compose.yml").read_text()))
    assert interpolated <= SETTINGS | set(OTHERS), interpolated - SETTINGS - set(OTHERS)


# ---------------------------------------------------------------- .env.example


def test_env_example_names_every_setting_and_nothing_unknown() -> None:
    names = _env_names(ENV_EXAMPLE)
    assert len(names) == len(set(names)), "a variable is listed twice"
    assert SETTINGS - set(names) == set(), "settings missing from .env.example"
    assert set(names) - SETTINGS <= set(OTHERS), "unknown variables in .env.example"


def test_env_example_copied_as_is_loads_and_asks_for_the_token(tmp_path: Path) -> None:
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    settings = Settings(_env_file=tmp_path / ".env")
    assert settings.telegram_bot_token is not None and not settings.telegram_bot_token.get_secret_value()
    assert settings.telegram_webhook_url is None  # long polling by default
    result = CliRunner().invoke(cli_module.cli, ["telegram"], env={"TELEGRAM_BOT_TOKEN": ""})
    assert result.exit_code == 1 and "TELEGRAM_BOT_TOKEN is not set" in result.output


def test_every_setting_is_documented_in_the_readme_or_a_page_it_links() -> None:
    """A row of a settings table (| `NAME` | default | meaning |) in README.md or a docs page it links."""
    from tests.test_readme import linked_pages

    pages = [README] + [p.read_text(encoding="utf-8") for p in set(linked_pages()) if p.suffix == ".md"]
    assert len(pages) > 1
    documented = {m for page in pages for m in re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", page, re.M)}
    assert sorted(SETTINGS - documented) == []
    assert sorted(documented - SETTINGS) == []  # and no row for a setting that does not exist


# ---------------------------------------------------------------- Dockerfile


def _instructions(text: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", text)
    return [(m[1].upper(), m[2].strip()) for m in re.finditer(r"^([A-Za-z]+)\s+(.*)$", joined, re.M)]


def _command(argument: str) -> str:
    """A shell command from an instruction's argument: a JSON array is joined with spaces."""
    argument = re.sub(r"^(--\S+\s+)*CMD\s+", "", argument)  # HEALTHCHECK options
    return " ".join(json.loads(argument)) if argument.startswith("[") else argument


def test_dockerfile_commands_are_the_readmes() -> None:
    instructions = _instructions(DOCKERFILE)
    assert instructions[0] == ("FROM", "python:3.11-slim")
    commands = [_command(arg) for kind, arg in instructions if kind in ("RUN", "CMD", "HEALTHCHECK")]
    resobot = [c for c in commands if c.startswith("resobot")]
    assert resobot == ["resobot index", "resobot health", "resobot -v telegram"]
    for command in resobot:
        assert f"`{command}`" in DEPLOYMENT or f"\n{command}\n" in DEPLOYMENT, command
    assert 'pip install ".[openai,postgres]"' in DEPLOYMENT
    assert 'pip install ".[openai,postgres]"' in DOCKERFILE


def test_dockerfile_runs_as_a_non_root_user_and_holds_no_secret() -> None:
    instructions = _instructions(DOCKERFILE)
    users = [arg for kind, arg in instructions if kind == "USER"]
    assert users and users[-1] not in ("root", "0")
    last_user = max(i for i, (kind, _) in enumerate(instructions) if kind == "USER")
    assert all(kind != "RUN" or "resobot" in arg for kind, arg in instructions[last_user:])
    env = " ".join(arg for kind, arg in instructions if kind == "ENV")
    env_names = re.findall(r"(?:^|\s)([A-Z_]+)=", env)
    assert env_names and not [n for n in env_names if re.search("TOKEN|KEY|SECRET|PASSWORD", n)]
    health = '--interval=30s --timeout=20s --start-period=120s --retries=3 CMD ["resobot", "health"]'
    assert ("HEALTHCHECK", health) in instructions
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".env.*", ".venv", ".git"} <= set(ignored)


# ---------------------------------------------------------------- webhook: Caddy in front of the bot


def test_caddy_forwards_the_webhook_path_of_the_example_url_to_the_bot() -> None:
    url = re.search(r"^# TELEGRAM_WEBHOOK_URL=(\S+)$", ENV_EXAMPLE, re.M)[1]
    domain = re.search(r"^# CADDY_DOMAIN=(\S+)$", ENV_EXAMPLE, re.M)[1]
    assert urlsplit(url).hostname == domain
    assert f"handle {urlsplit(url).path} {{" in CADDYFILE
    assert "name bot" in CADDYFILE and f"port {Settings().telegram_webhook_port}" in CADDYFILE
    assert COMPOSE["services"]["bot"]["environment"]["TELEGRAM_WEBHOOK_PORT"] == "8443"


def test_caddyfile_is_valid_for_caddy(tmp_path: Path) -> None:
    result = subprocess.run(
        [_tool("caddy"), "validate", "--adapter", "caddyfile", "--config", str(ROOT / "deploy/Caddyfile")],
        env={**os.environ, "CADDY_DOMAIN": "bot.example.org", "HOME": str(tmp_path),
             "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0 and "Valid configuration" in result.stdout + result.stderr, result.stderr


# ---------------------------------------------------------------- `resobot health` (the HEALTHCHECK)


def test_health_is_ok_with_a_built_index_and_a_state_store(settings: Settings) -> None:
    result = CliRunner().invoke(cli_module.cli, ["health"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"index: ok  50 units, 93 sentences in {settings.store_dir}"
    assert lines[1] == f"state: ok  {settings.state_url} (no file yet: the bot creates it at start)"
    assert not settings.state_path.exists()  # a health check creates nothing


def test_health_fails_without_an_index_and_builds_nothing(data_dir: Path) -> None:
    result = CliRunner().invoke(cli_module.cli, ["health", "--json"], catch_exceptions=False)
    assert result.exit_code == 1
    checks = {c["name"]: c for c in json.loads(result.output)}
    assert not checks["index"]["ok"] and "run `resobot index`" in checks["index"]["detail"]
    assert checks["state"]["ok"] and not data_dir.exists()


def test_health_fails_when_the_chroma_server_or_the_state_store_is_down(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_telegram_webhook import free_port

    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(free_port()))
    monkeypatch.setenv("RESOBOT_STATE_URL", f"postgresql://u:hunter2@127.0.0.1:{free_port()}/x")
    result = CliRunner().invoke(cli_module.cli, ["health"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.startswith("index: FAILED  cannot open the index in Chroma server 127.0.0.1:")
    assert "state: FAILED  postgresql://u:***@127.0.0.1:" in result.output and "hunter2" not in result.output


# ---------------------------------------------------------------- docs/deployment.md


def test_deployment_page_walks_an_operator_from_zero() -> None:
    section = DEPLOYMENT
    for step in ("@BotFather", "cp .env.example .env", "docker compose up -d", "docker compose ps",
                 "resobot health", "docker compose logs", "docker compose exec ollama ollama pull qwen2.5:3b",
                 "LLM_MODEL=openai:qwen2.5:3b", "LLM_BASE_URL=http://ollama:11434/v1", "--profile webhook",
                 "TELEGRAM_WEBHOOK_SECRET", "RESOBOT_STATE_URL=postgresql://", "resobot index --force",
                 "RESOBOT_CORPUS", "sqlite3", "pg_dump", "--scale bot=2", "only outside containers"):
        assert step in section, step
