"""The fake Bot API server's inline mode, deep links and message drafts, as Telegram has them.

- Inline mode (enabled with @BotFather's /setinline; getMe says `supports_inline_queries`): a user types
  "@bot query" (``send_inline_query``), the bot answers with ``answerInlineQuery``, checked as Telegram
  checks it (at most 50 results, result ids of 1-64 bytes and unique, article titles and message texts
  that parse, keyboards, an Integer ``cache_time``...); the user then picks a result
  (``choose_inline_result``), which posts its message into a chat "via @bot", with its keyboard.
- Deep links: a user opens https://t.me/<bot>?start=<payload> (``open_link``): the app sends
  "/start <payload>" in the private chat (payload: 1-64 of A-Z a-z 0-9 _ -).
- ``sendMessageDraft``: private chats only, a non-zero ``draft_id``, 0-4096 characters after entities
  parsing (Bot API 10.0: an empty text shows "Thinking…"). Drafts are recorded per chat, in order.
"""

from __future__ import annotations

import copy
import re
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

from tests.botapi_checks import (
    _bad,
    _json_param,
    _parse_markup,
    _some,
    check_url,
    render_text,
    strict_bool,
    strict_int,
)
from tests.telegram_entities import JSON

QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_RESULT_TYPES = {"article", "photo", "gif", "mpeg4_gif", "video", "audio", "voice", "document", "location",
                 "venue", "contact", "game", "sticker"}
_START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_QUERY = 256  # characters a user can type after "@bot "


def _result_id(result: JSON, seen: set[str]) -> str:
    result_id = result.get("id")
    if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= 64:
        raise _bad("RESULT_ID_INVALID")
    if result_id in seen:
        raise _bad("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    return result_id


def _article(result: JSON) -> JSON:
    """An InlineQueryResultArticle, as the user will see it: its title, and the message it posts."""
    if not isinstance(result.get("title"), str):
        raise _bad('can\'t parse inline query result: Field "title" must be of type String')
    if not result["title"].strip():
        raise _bad("RESULT_TITLE_EMPTY")
    content = result.get("input_message_content")
    if not isinstance(content, dict):
        raise _bad('can\'t parse inline query result: Field "input_message_content" must be of type Object')
    if "message_text" not in content:
        raise _bad("can't parse inline query result: input message content type not supported")
    text, entities = render_text(content["message_text"], content.get("parse_mode"), content.get("entities"),
                                 empty="MESSAGE_EMPTY", too_long="MESSAGE_TOO_LONG")
    for key in ("url", "thumbnail_url"):
        if result.get(key):
            check_url(str(result[key]), "inline query result URL")
    markup = _parse_markup({"reply_markup": result.get("reply_markup")})
    if markup is not None and "inline_keyboard" not in markup:
        raise _bad("REPLY_MARKUP_INVALID")  # only an inline keyboard can go with an inline result
    return {"id": result["id"], "type": "article", "title": result["title"],
            "description": result.get("description"), "text": text, "entities": entities,
            "raw_text": content["message_text"], "parse_mode": content.get("parse_mode"),
            "reply_markup": markup}


def _results_button(p: JSON) -> JSON | None:
    button = _json_param(p, "button", "inline query results button")
    if button is None:
        return None
    if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
        raise _bad("can't parse inline query results button: Field \"text\" must be of type String")
    if "web_app" not in button and not _START_PARAMETER.fullmatch(str(button.get("start_parameter", ""))):
        raise _bad("START_PARAM_INVALID")
    return dict(button)


class InlineMixin:
    """Inline queries, deep links and drafts for BotApiServer (which provides the state used here)."""

    _lock: Any
    _chats: dict[int, Any]
    _counter: Any
    bot_user: JSON
    _push: Callable[[str, JSON], None]
    _notify: Callable[[], None]
    _chat: Callable[[JSON], Any]
    send_text: Callable[..., JSON]
    _user_message: Callable[..., JSON]
    wait_until: Callable[..., Any]

    def _init_inline(self, inline_mode: bool) -> None:
        self.inline_mode = inline_mode
        self._inline: dict[str, JSON] = {}  # query id → {"from", "query", "answer"}
        self._drafts: dict[int, list[JSON]] = {}

    def _inline_methods(self) -> list[tuple[str, Callable[[JSON], Any]]]:
        return [("answerInlineQuery", self._answer_inline_query), ("sendMessageDraft", self._send_draft)]

    # ------------------------------------------------------------------ Bot API methods
    def _answer_inline_query(self, p: JSON) -> bool:
        query_id = str(p.get("inline_query_id") or "")
        with self._lock:
            query = self._inline.get(query_id)
            if query is None or query["answer"] is not None:
                raise _bad(QUERY_INVALID)
        results = _json_param(p, "results", "inline query results")
        if not isinstance(results, list):
            raise _bad('field "results" must be of type Array')
        if len(results) > 50:
            raise _bad("RESULTS_TOO_MUCH")
        cache_time, personal = strict_int(p, "cache_time"), strict_bool(p, "is_personal")
        next_offset = str(p.get("next_offset") or "")
        if len(next_offset.encode()) > 64:
            raise _bad("NEXT_OFFSET_INVALID")
        button, seen, shown = _results_button(p), set(), []
        for result in results:
            if not isinstance(result, dict):
                raise _bad("can't parse inline query result: InlineQueryResult must be an Object")
            if result.get("type") not in _RESULT_TYPES:
                raise _bad("RESULT_TYPE_INVALID")
            _result_id(result, seen)
            shown.append(_article(result) if result["type"] == "article" else copy.deepcopy(result))
        with self._lock:
            if query["answer"] is not None:
                raise _bad(QUERY_INVALID)
            query["answer"] = {"results": shown, "cache_time": 300 if cache_time is None else cache_time,
                               "is_personal": personal, "next_offset": next_offset, "button": button}
            self._notify()
        return True

    def _send_draft(self, p: JSON) -> bool:
        chat = self._chat(p)
        if chat.info["type"] != "private":
            raise _bad("TEXTDRAFT_PEER_INVALID")
        draft_id = strict_int(p, "draft_id")
        if not draft_id:
            raise _bad("DRAFT_ID_INVALID" if draft_id == 0 else 'field "draft_id" must be of type Integer')
        text, entities = ("", []) if p.get("text") in (None, "") else render_text(
            p["text"], p.get("parse_mode"), _json_param(p, "entities", "entities"), too_long="TEXT_TOO_LONG")
        with self._lock:
            self._drafts.setdefault(chat.info["id"], []).append(
                {"draft_id": draft_id, "text": text, "entities": entities, "time": time.monotonic()})
            self._notify()
        return True

    # ------------------------------------------------------------------ test side: the users act
    def send_inline_query(self, query: str, *, user_id: int = 4242, first_name: str = "Alice",
                          language_code: str | None = "en", chat_type: str = "sender") -> str:
        """A user types "@bot query" in a chat of `chat_type` (sender: their chat with the bot; private,
        group, supergroup, channel). Returns the query id."""
        if not self.inline_mode:
            raise RuntimeError("inline mode is off (@BotFather /setinline): clients send no inline query")
        if len(query) > MAX_QUERY:
            raise ValueError(f"an inline query holds at most {MAX_QUERY} characters")
        with self._lock:
            query_id = str(7_000_000_000_000 + next(self._counter))
            sender = {"id": user_id, "is_bot": False, "first_name": first_name} | _some(
                language_code=language_code)
            self._inline[query_id] = {"from": sender, "query": query, "answer": None}
            self._push("inline_query", {"id": query_id, "from": sender, "query": query, "offset": "",
                                        "chat_type": chat_type})
            return query_id

    async def inline_answer(self, query_id: str, timeout: float = 5.0) -> JSON:
        """The bot's answer to an inline query, once given: {"results", "cache_time", "is_personal", ...}."""
        return await self.wait_until(lambda: self._inline[query_id]["answer"], timeout,
                                     f"the answer to inline query {query_id}")

    def choose_inline_result(self, query_id: str, result_id: str, chat_id: int, *,
                             chat_type: str = "group") -> JSON:
        """The user taps a result: its message is posted in `chat_id` from them, "via @bot", with the
        result's keyboard. Returns the message."""
        with self._lock:
            query = self._inline[query_id]
            if query["answer"] is None:
                raise LookupError(f"inline query {query_id} has no answer yet")
            result = next((r for r in query["answer"]["results"] if r["id"] == result_id), None)
            if result is None:
                ids = [r["id"] for r in query["answer"]["results"]]
                raise LookupError(f"no result {result_id!r} among {ids}")
            content = {"text": result["text"], "via_bot": self.bot_user} | _some(
                entities=result["entities"], reply_markup=result["reply_markup"])
            sender = query["from"]
            return self._user_message(chat_id, content, user_id=sender["id"], first_name=sender["first_name"],
                                      language_code=sender.get("language_code"), chat_type=chat_type)

    def open_link(self, url: str, *, user_id: int = 4242, language_code: str | None = "en") -> JSON:
        """The user opens a t.me link to the bot: with ?start=payload the app sends "/start payload" in
        their private chat with the bot (without one, or with an invalid one, just "/start")."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "https" or parts.netloc != "t.me" or parts.path.strip("/").lower() != \
                str(self.bot_user["username"]).lower():
            raise ValueError(f"{url} is not a link to @{self.bot_user['username']}")
        payload = urllib.parse.parse_qs(parts.query).get("start", [""])[0]
        text = f"/start {payload}" if _START_PARAMETER.fullmatch(payload) else "/start"
        return self.send_text(user_id, text, user_id=user_id, language_code=language_code,
                              entities=[{"type": "bot_command", "offset": 0, "length": 6}])

    # ------------------------------------------------------------------ test side: what the users see
    def drafts(self, chat_id: int) -> list[JSON]:
        """The drafts the bot streamed to a chat, oldest first: {"draft_id", "text", "entities", "time"}."""
        with self._lock:
            return copy.deepcopy(self._drafts.get(chat_id, []))

    def inline_queries_unanswered(self) -> list[str]:
        with self._lock:
            return [q for q, v in self._inline.items() if v["answer"] is None]

