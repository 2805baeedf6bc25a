"""What the fake Bot API server checks in a request, as Telegram does: URLs, buttons, inline keyboards,
typed parameters, message text with its entities. Shared by the server (tests/botapi_server.py) and its
inline mode and drafts (tests/botapi_inline.py)."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

from tests.telegram_entities import _PARSERS, _SPACE, JSON, ParseError, _entity, _u16, url_problem

_BUTTON_ACTIONS = ("callback_data", "url", "web_app", "login_url", "switch_inline_query", "pay", "copy_text",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game")
_AUTO_ENTITY = re.compile(r"(?<!\S)(/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?|@[A-Za-z0-9_]{4,32})\b")


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def _bad(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def check_url(url: str, what: str = "URL") -> None:
    """Reject URLs like Telegram does: e.g. "inline keyboard button URL 'x' is invalid: Wrong HTTP URL"."""
    reason = url_problem(url)
    if reason:
        raise _bad(f"{what} '{url}' is invalid: {reason}")


def _json_param(p: JSON, name: str, what: str) -> Any:
    value = p.get(name)
    try:
        return (json.loads(value) if value else None) if isinstance(value, str | bytes) else value
    except ValueError:
        raise _bad(f"can't parse {what} JSON object") from None


def _int_param(p: JSON, name: str) -> int | None:
    try:
        return None if p.get(name) in (None, "") else int(p[name])
    except (TypeError, ValueError):
        raise _bad(f'field "{name}" must be of type Integer') from None


def _trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Telegram strips leading/trailing whitespace and clips the entities to what remains."""
    left = text.lstrip(_SPACE)
    lead, body = _u16(text) - _u16(left), left.rstrip(_SPACE)
    clipped = [(e, max(e["offset"] - lead, 0), min(e["offset"] + e["length"] - lead, _u16(body)))
               for e in entities]
    return body, sorted(({**e, "offset": s, "length": t - s} for e, s, t in clipped if t > s),
                        key=lambda e: (e["offset"], -e["length"]))


def _check_button(b: Any) -> None:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(b, dict):
        raise _bad(prefix + "InlineKeyboardButton must be an Object")
    if not isinstance(b.get("text"), str):
        raise _bad(prefix + ('Field "text" must be of type String' if "text" in b else
                             'Can\'t find field "text"'))
    # an empty switch_inline_query is meaningful, an empty callback_data or url is no action
    actions = [k for k in _BUTTON_ACTIONS
               if b.get(k) not in (None, False, "") or (k.startswith("switch") and k in b)]
    if not actions:
        raise _bad(prefix + "Text buttons are unallowed in the inline keyboard")
    if not b["text"]:
        raise _bad("BUTTON_TEXT_INVALID")
    if "callback_data" in actions and (not isinstance(b["callback_data"], str)
                                       or len(b["callback_data"].encode()) > 64):
        raise _bad("BUTTON_DATA_INVALID")
    if "url" in actions:
        check_url(str(b["url"]), "inline keyboard button URL")


def _parse_markup(p: JSON) -> JSON | None:
    markup = _json_param(p, "reply_markup", "reply keyboard markup")
    if markup is None or (isinstance(markup, dict) and "inline_keyboard" not in markup):
        return markup  # reply keyboards, force_reply and remove_keyboard are accepted as they are
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad('field "inline_keyboard" must be of type Array')
    if sum(map(len, rows)) > 100:
        raise _bad("reply markup is too long")
    for button in itertools.chain.from_iterable(rows):
        _check_button(button)
    return {"inline_keyboard": rows}


def _auto_entities(text: str) -> list[JSON]:
    return [_entity("bot_command" if m[1][0] == "/" else "mention", _u16(text[:m.start()]),
                    _u16(text[:m.end()])) for m in _AUTO_ENTITY.finditer(text)]


def _some(**fields: Any) -> JSON:
    """The fields that are set: Telegram omits empty optional fields."""
    return {k: v for k, v in fields.items() if v}


def render_text(raw: object, mode: object, entities: Any, *, empty: str = "message text is empty",
                too_long: str = "message is too long") -> tuple[str, list[JSON]]:
    """A message text as the user reads it (plain text, entities), or the ApiError Telegram gives."""
    mode = str(mode or "")
    if raw in (None, ""):
        raise _bad(empty)
    if mode and mode.lower() not in _PARSERS:
        raise _bad("unsupported parse_mode")
    try:
        text, found = _PARSERS[mode.lower()](str(raw)) if mode else (str(raw), list(entities or []))
    except ParseError as e:
        raise _bad(f"can't parse entities: {e}") from None
    text, found = _trim(text, found)
    if not text:
        raise _bad("text must be non-empty")
    if _u16(text) > 4096:
        raise _bad(too_long)
    return text, found


def strict_int(p: JSON, name: str) -> int | None:
    """An Integer field: a JSON number without a fraction, or its decimal string (form encoding)."""
    value = p.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise _bad(f'field "{name}" must be of type Integer')


def strict_bool(p: JSON, name: str) -> bool:
    """A Boolean field: true/false, or their strings (form encoding)."""
    value = p.get(name)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    raise _bad(f'field "{name}" must be of type Boolean')
