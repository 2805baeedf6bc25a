"""A fake Telegram Bot API server that behaves (and fails) like the real one.

The real python-telegram-bot stack talks to it over HTTP (``base_url=server.base_url``) and long-polls
``getUpdates``; tests play the users (``send_text``, ``press_button``...) and inspect what the users
would see (``messages``, ``wait_for_messages``). The server runs its own event loop in a daemon
thread, so it serves sync scripts and pytest-asyncio tests alike; all public methods are thread-safe.
Descriptions of rejected requests are Telegram's (HTML/MarkdownV2 reasons follow tdlib's parser).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

JSON = dict[str, Any]
T = TypeVar("T")
_SPACE = " \t\r\n\f\v"
_HTML_TAGS = {"a": "text_link", "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
              "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
              "span": "spoiler", "tg-spoiler": "spoiler", "code": "code", "pre": "pre",
              "blockquote": "blockquote", "tg-emoji": "custom_emoji"}
_BUTTON_ACTIONS = ("callback_data", "url", "web_app", "login_url", "switch_inline_query", "copy_text",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game", "pay")
_CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                 "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"}
_NOT_DEFAULT_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
_ERRORS = {400: "Bad Request", 403: "Forbidden: bot was blocked by the user", 409: "Conflict",
           500: "Internal Server Error", 502: "Bad Gateway"}
_HTML_ENTITY = re.compile(r"&(?:#x([0-9a-fA-F]*)|#([0-9]*)|([a-zA-Z]*))")
_PRE_LANGUAGE = re.compile(r"([^\s`]*)\n")
_NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are exactly the same"
                 " as a current content and reply markup of the message")


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


class ParseError(ValueError):
    """Entity parsing failed; ``str(error)`` is the reason Telegram gives."""


def _bad(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def _u16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _boff(text: str, pos: int) -> int:
    return len(text[:pos].encode("utf-8", "surrogatepass"))


def check_url(url: str, what: str) -> None:
    m = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*)://(.*)", url, re.S)
    scheme, rest = (m.group(1).lower(), m.group(2)) if m else ("http", url)
    if scheme not in ("http", "https", "tg", "ton"):
        raise _bad(f"{what} '{url}' is invalid: Unsupported URL protocol")
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1].split(":")[0]
    if scheme.startswith("http") and not host:
        raise _bad(f"{what} '{url}' is invalid: URL host is empty")
    if scheme.startswith("http") and not re.fullmatch(r"(?:[\w-]+\.)+[^\W\d_]{2,}|\d{1,3}(?:\.\d{1,3}){3}", host):
        raise _bad(f"{what} '{url}' is invalid: Wrong HTTP URL")


class _Out:
    """Plain text being produced by a parser, with its length in UTF-16 code units."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.u16 = 0

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.u16 += _u16(s)


def _entity(kind: str, start: int, end: int, **extra: Any) -> JSON:
    return {"type": kind, "offset": start, "length": end - start, **extra}


def _html_entity(text: str, i: int) -> tuple[str, int] | None:
    """Decode ``&lt; &gt; &amp; &quot; &#NN; &#xNN;`` (';' optional) at i like tdlib; None keeps a literal '&'."""
    m = _HTML_ENTITY.match(text, i)
    assert m is not None
    hex_digits, dec_digits, name = m.groups()
    if name is not None:
        ch = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(name)
    else:
        digits = hex_digits if hex_digits is not None else dec_digits
        code = int(digits, 16 if hex_digits is not None else 10) if digits and m.end() - i < 10 else 0
        ch = chr(code) if 0 < code < 0x10FFFF and not 0xD800 <= code < 0xE000 else None
    return None if ch is None else (ch, m.end() + (text[m.end():m.end() + 1] == ";"))


def _html_attributes(text: str, i: int, tag: str, off: int) -> tuple[str, int]:
    """Parse the attributes of a start tag from i; return (tag argument, index after '>')."""
    arg, n = "", len(text)
    while True:
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise ParseError(f"Unclosed start tag at byte offset {off}")
        if text[i] == ">":
            return arg, i + 1
        j = i
        while j < n and text[j] not in _SPACE and text[j] not in "=>":
            j += 1
        name, i = text[i:j].lower(), j
        if not name:
            raise ParseError(f'Empty attribute name in the tag "{tag}" at byte offset {off}')
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n or text[i] != "=":
            if name != "expandable":
                raise ParseError(f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                                 f"at byte offset {off}")
            arg = "expandable" if tag == "blockquote" else arg
            continue
        i += 1
        while i < n and text[i] in _SPACE:
            i += 1
        if i < n and text[i] in "'\"":
            quote, value, i = text[i], [], i + 1
            while i < n and text[i] != quote:
                dec = _html_entity(text, i) if text[i] == "&" else None
                value.append(dec[0] if dec else text[i])
                i = dec[1] if dec else i + 1
            value_str, i = "".join(value), i + 1
        else:
            j = i
            while j < n and text[j].isascii() and (text[j].isalnum() or text[j] in ".-"):
                j += 1
            value_str, i = text[i:j].lower(), j
            if i < n and text[i] not in _SPACE and text[i] != ">":
                raise ParseError(f"Unexpected end of name token at byte offset {_boff(text, i)}")
        if i >= n:
            raise ParseError(f'Unclosed start tag "{tag}" at byte offset {off}')
        if (tag, name) in (("a", "href"), ("tg-emoji", "emoji-id")):
            arg = value_str
        elif (tag, name) in (("code", "class"), ("span", "class")):
            prefix = "language-" if tag == "code" else "tg-"
            arg = value_str[len(prefix):] if value_str.startswith(prefix) else arg


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Telegram's HTML parse mode (tdlib's rules): return (plain text, entities) or raise ParseError."""
    out, stack, entities, i, n = _Out(), [], [], 0, len(text)
    while i < n:
        c = text[i]
        dec = _html_entity(text, i) if c == "&" else None
        if dec or c != "<":
            out.add(dec[0] if dec else c)
            i = dec[1] if dec else i + 1
            continue
        begin, off, i = i, _boff(text, i), i + 1
        if i < n and text[i] == "/":
            if not stack:
                raise ParseError(f"Unexpected end tag at byte offset {off}")
            j = i + 1
            while j < n and text[j] not in _SPACE and text[j] != ">":
                j += 1
            name = text[i + 1:j].lower()
            while j < n and text[j] in _SPACE:
                j += 1
            if j >= n or text[j] != ">":
                raise ParseError(f"Unclosed end tag at byte offset {off}")
            tag, arg, start = stack.pop()
            if name and name != tag:
                raise ParseError(f'Unmatched end tag at byte offset {off}, expected "</{tag}>", found "</{name}>"')
            i = j + 1
            if out.u16 > start:
                entities.extend(_html_close(tag, arg, start, out.u16, entities))
            continue
        j = i
        while j < n and text[j] not in _SPACE and text[j] != ">":
            j += 1
        if j >= n:
            raise ParseError(f"Unclosed start tag at byte offset {off}")
        tag = text[begin + 1:j].lower()
        if tag not in _HTML_TAGS:
            raise ParseError(f'Unsupported start tag "{tag}" at byte offset {off}')
        arg, i = _html_attributes(text, j, tag, off)
        if tag == "span" and arg != "spoiler":
            raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {off}')
        stack.append((tag, arg, out.u16))
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out.parts), [{k: v for k, v in e.items() if e["type"] != "code" or k != "language"}
                                for e in entities]


def _html_close(tag: str, arg: str, start: int, end: int, entities: list[JSON]) -> list[JSON]:
    ent = _entity(_HTML_TAGS[tag], start, end)
    if tag == "a":
        try:
            check_url(arg, "entity URL")
        except ApiError:
            return []  # Telegram silently drops links with an invalid href
        ent["url"] = arg
    elif tag == "pre" and entities and entities[-1]["type"] == "code" and entities[-1]["offset"] == start \
            and entities[-1]["length"] == end - start:
        language = entities.pop().get("language")
        ent.update({"language": language} if language else {})
    elif tag == "code" and arg:
        ent["language"] = arg  # only kept when the code is the whole content of a <pre>
    elif tag == "blockquote" and arg:
        ent["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        if not arg.isdigit() or int(arg) >= 2**63:
            raise ParseError("Invalid custom emoji identifier specified")
        ent["custom_emoji_id"] = arg
    return [ent]


_MD2_OPEN = (("||", "spoiler"), ("__", "underline"), ("```", "pre"), ("![", "custom_emoji"), ("*", "bold"),
             ("_", "italic"), ("~", "strikethrough"), ("`", "code"), ("[", "text_link"))
_MD2_CLOSE = {"spoiler": "||", "underline": "__", "pre": "```", "custom_emoji": "]", "bold": "*", "italic": "_",
              "strikethrough": "~", "code": "`", "text_link": "]"}
_MD2_NAMES = {"text_link": "TextUrl", "custom_emoji": "CustomEmoji"}


def parse_markdown_v2(text: str) -> tuple[str, list[JSON]]:
    """Telegram's MarkdownV2 (reserved characters, nesting, links, code/pre); blockquotes are not entities."""
    out, stack, entities, i, n = _Out(), [], [], 0, len(text)
    while i < n:
        c, top = text[i], stack[-1][0] if stack else None
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
        elif (top in ("code", "pre") and c != "`") or c not in "_*[]()~`>#+-=|{}.!":
            out.add(c)
            i += 1
        elif c == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1
        elif top and text.startswith(_MD2_CLOSE[top], i) and not (top == "italic" and text[i + 1:i + 2] == "_"):
            kind, start, _, parts, extra = stack.pop()
            i += len(_MD2_CLOSE[kind])
            if kind in ("text_link", "custom_emoji"):
                url, i = _md2_url(text, i, "".join(out.parts[parts:]))
                extra = {"url": url} if kind == "text_link" else {"custom_emoji_id": url.rpartition("id=")[2]}
            if out.u16 > start and _valid(extra.get("url", "t.me")):
                entities.append(_entity(kind, start, out.u16, **extra))
        else:
            tok, kind = next(((t, k) for t, k in _MD2_OPEN if text.startswith(t, i)), (c, ""))
            if not kind:
                raise ParseError(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
            m = _PRE_LANGUAGE.match(text, i + len(tok)) if kind == "pre" else None
            extra = {"language": m.group(1)} if m and m.group(1) else {}
            stack.append((kind, out.u16, _boff(text, i), len(out.parts), extra))
            i = m.end() if m else i + len(tok)
    if stack:
        kind, _, off, _, _ = stack[-1]
        raise ParseError(f"Can't find end of {_MD2_NAMES.get(kind, kind.capitalize())} entity at byte offset {off}")
    return "".join(out.parts), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _md2_url(text: str, i: int, inner: str) -> tuple[str, int]:
    if not text.startswith("(", i):
        return inner, i
    url, j = [], i + 1
    while j < len(text) and text[j] != ")":
        escaped = text[j] == "\\" and j + 1 < len(text) and 0 < ord(text[j + 1]) <= 126
        url.append(text[j + escaped])
        j += 1 + escaped
    if j >= len(text):
        raise ParseError(f"Can't find end of a URL at byte offset {_boff(text, i + 1)}")
    return "".join(url), j + 1


def _valid(url: str) -> bool:
    try:
        check_url(url, "URL")
        return True
    except ApiError:
        return False


def parse_markdown(text: str) -> tuple[str, list[JSON]]:
    """Telegram's legacy Markdown: *bold* _italic_ `code` ```pre``` [text](url), no nesting."""
    out, entities, i, n = _Out(), [], 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and text[i + 1:i + 2] in ("_", "*", "`", "["):
            out.add(text[i + 1])
            i += 2
            continue
        if c not in "_*`[":
            out.add(c)
            i += 1
            continue
        begin, is_pre, start = i, text.startswith("```", i), out.u16
        end_tok = "```" if is_pre else "]" if c == "[" else c
        j = text.find(end_tok, i + len(end_tok))
        if j < 0:
            raise ParseError(f"Can't find end of the entity starting at byte offset {_boff(text, begin)}")
        out.add(text[i + len(end_tok):j].removeprefix("\n") if is_pre else text[i + 1:j])
        i, extra = j + len(end_tok), {}
        if c == "[":
            close = text.find(")", i) if text.startswith("(", i) else -1
            extra, i = ({"url": text[i + 1:close]}, close + 1) if close >= 0 else ({"url": ""}, i)
            if not _valid(extra["url"]):
                continue
        kind = {"*": "bold", "_": "italic", "[": "text_link"}.get(c, "pre" if is_pre else "code")
        if out.u16 > start:
            entities.append(_entity(kind, start, out.u16, **extra))
    return "".join(out.parts), entities


_PARSERS: dict[str, Callable[[str], tuple[str, list[JSON]]]] = {
    "html": parse_html, "markdownv2": parse_markdown_v2, "markdown": parse_markdown}


def _json_param(p: JSON, name: str, what: str) -> Any:
    value = p.get(name)
    if isinstance(value, str | bytes):
        try:
            return json.loads(value) if value else None
        except ValueError:
            raise _bad(f"can't parse {what} JSON object") from None
    return value


def _int_param(p: JSON, name: str, default: int | None = None) -> int | None:
    value = p.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad(f'field "{name}" must be of type Integer') from None


def _trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Telegram strips leading/trailing whitespace and clips the entities accordingly."""
    left = text.lstrip(_SPACE)
    lead, body = _u16(text) - _u16(left), left.rstrip(_SPACE)
    total, out = _u16(body), []
    for e in entities:
        start, end = max(e["offset"] - lead, 0), min(e["offset"] + e["length"] - lead, total)
        if end > start:
            out.append({**e, "offset": start, "length": end - start})
    return body, sorted(out, key=lambda e: (e["offset"], -e["length"]))


def _check_button(b: Any) -> None:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(b, dict):
        raise _bad(prefix + "InlineKeyboardButton must be an Object")
    if not isinstance(b.get("text"), str):
        raise _bad(prefix + ('Field "text" must be of type String' if "text" in b else 'Can\'t find field "text"'))
    actions = [k for k in _BUTTON_ACTIONS if b.get(k) not in (None, False) and not (k in ("url", "callback_data")
                                                                                   and b[k] == "")]
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
        return markup  # reply keyboards, force_reply, remove_keyboard are accepted as they are
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad('field "inline_keyboard" must be of type Array')
    if sum(map(len, rows)) > 100:
        raise _bad("reply markup is too long")
    for button in itertools.chain.from_iterable(rows):
        _check_button(button)
    return {"inline_keyboard": rows}


@dataclass
class ApiCall:
    method: str
    params: JSON
    timestamp: float
    error: str | None = None  # the description when the call was rejected


@dataclass
class BotMessage:
    """A message of the bot as the user sees it; edits are applied in place, earlier versions in history."""

    chat_id: int
    message_id: int
    text: str  # plain text after entity parsing: what the user reads
    raw_text: str
    parse_mode: str | None
    entities: list[JSON]
    reply_markup: JSON | None
    date: int
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    history: list[JSON] = field(default_factory=list)

    @property
    def keyboard(self) -> list[list[JSON]]:
        """Inline keyboard rows of button dicts ({text, callback_data|url|...}); [] without one."""
        return (self.reply_markup or {}).get("inline_keyboard", [])

    @property
    def buttons(self) -> list[JSON]:
        return [b for row in self.keyboard for b in row]


@dataclass
class _Chat:
    info: JSON
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    user_messages: dict[int, JSON] = field(default_factory=dict)
    bot_messages: dict[int, BotMessage] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)


class BotApiServer:
    def __init__(self, token: str = "123456789:TEST-resobot-token", *, username: str = "resobot_test_bot",
                 first_name: str = "resobot", privacy_mode: bool = False, host: str = "127.0.0.1") -> None:
        self.token, self.host, self.port, self.privacy_mode = token, host, 0, privacy_mode
        self.bot_user: JSON = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": first_name,
                               "username": username}
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._chats: dict[int, _Chat] = {}
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(100_000)
        self._query_ids = itertools.count(1)
        self._queries: dict[str, JSON] = {}
        self._answers: list[JSON] = []
        self._file_ids = itertools.count(1)
        self._calls: list[ApiCall] = []
        self._failures: dict[str, list[ApiError]] = defaultdict(list)
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._blocked: set[int] = set()
        self._allowed: set[str] | None = None
        self.webhook: JSON = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pollers: set[asyncio.Event] = set()
        self._poll_generation = 0
        self._closing = False
        self._methods: dict[str, tuple[str, Callable[[JSON], Any]]] = {name.lower(): (name, fn) for name, fn in {
            "getMe": self._get_me, "getUpdates": self._get_updates, "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook, "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message, "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_reply_markup, "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query, "sendChatAction": self._send_chat_action,
            "setMyCommands": self._set_my_commands, "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "logOut": lambda p: True, "close": lambda p: True}.items()}

    # ----------------------------------------------------------------- lifecycle
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    def start(self) -> BotApiServer:
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="botapi-server", daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    async def _serve(self) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]

    def stop(self) -> None:
        loop, self._loop = self._loop, None
        if loop is None:
            return
        self._closing = True
        loop.call_soon_threadsafe(self._wake)
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)

    def __enter__(self) -> BotApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> BotApiServer:
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.stop)

    # ----------------------------------------------------------------- HTTP layer
    async def _handle(self, request: web.Request) -> web.Response:
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            name, handler = self._methods.get(request.match_info["method"].lower(), ("", None))
            if handler is None:
                raise ApiError(404, "Not Found")
            params: JSON = dict(request.query)
            if request.content_type == "application/json" and request.can_read_body:
                body = await request.json(loads=lambda s: json.loads(s or "{}"))
                params.update(body if isinstance(body, dict) else {})
            elif request.can_read_body:
                params.update({k: v.file.read() if isinstance(v, web.FileField) else v
                               for k, v in (await request.post()).items()})
            call = ApiCall(name, params, time.time())
            with self._lock:
                self._calls.append(call)
                failure = self._failures[name.lower()].pop(0) if self._failures[name.lower()] else None
            try:
                if failure:
                    raise failure
                result = handler(params)
                if asyncio.iscoroutine(result):
                    result = await result
            except ApiError as e:
                call.error = e.description
                raise
            return web.json_response({"ok": True, "result": result})
        except ApiError as e:
            body = {"ok": False, "error_code": e.code, "description": e.description}
            return web.json_response({**body, "parameters": e.parameters} if e.parameters else body, status=e.code)
        except ValueError:
            return web.json_response({"ok": False, "error_code": 400, "description":
                                      "Bad Request: can't parse JSON encoded request"}, status=400)

    def _wake(self) -> None:
        for event in self._pollers:
            event.set()

    def _notify(self) -> None:
        """Call with the lock held after any state change."""
        self._cond.notify_all()
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake)

    # ----------------------------------------------------------------- Bot API methods
    def _get_me(self, p: JSON) -> JSON:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": not self.privacy_mode,
                "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}

    async def _get_updates(self, p: JSON) -> list[JSON]:
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset, limit = _int_param(p, "offset", 0) or 0, min(max(_int_param(p, "limit", 100) or 100, 1), 100)
        allowed = _json_param(p, "allowed_updates", "allowed updates")
        timeout = max(float(p.get("timeout") or 0), 0.0)
        self._poll_generation += 1
        generation, deadline = self._poll_generation, time.monotonic() + timeout
        self._wake()  # an older long poll still waiting is terminated with 409, as on Telegram
        while True:
            with self._lock:
                self._allowed = self._allowed if allowed is None else set(allowed) or None
                self._updates = self._updates[offset:] if offset < 0 else [
                    u for u in self._updates if u["update_id"] >= offset and self._is_allowed(u)]
                batch = copy.deepcopy(self._updates[:limit])
            if generation != self._poll_generation:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; "
                                    "make sure that only one bot instance is running")
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._closing:
                return batch
            event = asyncio.Event()
            self._pollers.add(event)
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                pass
            finally:
                self._pollers.discard(event)

    def _is_allowed(self, update: JSON) -> bool:
        kind = next(k for k in update if k != "update_id")
        return kind in self._allowed if self._allowed else kind not in _NOT_DEFAULT_UPDATES

    def _set_webhook(self, p: JSON) -> bool:
        url = str(p.get("url") or "")
        if url and not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        with self._lock:
            self.webhook = {k: v for k, v in p.items() if not isinstance(v, bytes)} if url else {}
            if p.get("drop_pending_updates") in (True, "true", "True"):
                self._updates.clear()
        return True

    def _delete_webhook(self, p: JSON) -> bool:
        return self._set_webhook({"drop_pending_updates": p.get("drop_pending_updates")})

    def _get_webhook_info(self, p: JSON) -> JSON:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    def _chat(self, p: JSON) -> _Chat:
        raw = p.get("chat_id")
        if raw in (None, ""):
            raise _bad("chat_id is empty")
        with self._lock:
            chat = next((c for c in self._chats.values() if raw == f"@{c.info.get('username')}"
                         and c.info["type"] != "private"), None)
            if chat is None and re.fullmatch(r"-?\d+", str(raw)):
                chat = self._chats.get(int(raw))
        if chat is None:
            raise _bad("chat not found")
        if chat.info["id"] in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _render(self, p: JSON) -> tuple[str, list[JSON]]:
        raw, mode = p.get("text"), p.get("parse_mode") or None
        if raw in (None, ""):
            raise _bad("message text is empty")
        raw = str(raw)
        try:
            if mode is not None:
                if str(mode).lower() not in _PARSERS:
                    raise _bad("unsupported parse_mode")
                text, entities = _PARSERS[str(mode).lower()](raw)
            else:
                text, entities = raw, list(_json_param(p, "entities", "entities") or [])
        except ParseError as e:
            raise _bad(f"can't parse entities: {e}") from None
        text, entities = _trim(text, entities)
        if not text:
            raise _bad("text must be non-empty")
        if _u16(text) > 4096:
            raise _bad("message is too long")
        return text, entities

    def _message_dict(self, chat: _Chat, m: BotMessage) -> JSON:
        d: JSON = {"message_id": m.message_id, "from": self.bot_user, "chat": chat.info, "date": m.date,
                   "text": m.text}
        d.update({"entities": m.entities} if m.entities else {})
        d.update({"reply_markup": m.reply_markup} if m.reply_markup else {})
        d.update({"edit_date": m.edit_date} if m.edit_date else {})
        target = self._find(chat, m.reply_to_message_id)
        d.update({"reply_to_message": target} if target else {})
        return copy.deepcopy(d)

    def _find(self, chat: _Chat, message_id: int | None) -> JSON | None:
        bot_message = chat.bot_messages.get(message_id or 0)
        if bot_message is not None:
            return None if bot_message.deleted else {**self._message_dict(chat, bot_message), "reply_to_message": {}}
        return chat.user_messages.get(message_id or 0)

    def _send_message(self, p: JSON) -> JSON:
        if p.get("chat_id") in (None, ""):
            raise _bad("chat_id is empty")
        text, entities = self._render(p)
        markup = _parse_markup(p)
        chat = self._chat(p)
        reply = _json_param(p, "reply_parameters", "reply parameters") or {}
        reply_id = _int_param(reply, "message_id") or _int_param(p, "reply_to_message_id")
        with self._lock:
            if reply_id and self._find(chat, reply_id) is None:
                if not (reply.get("allow_sending_without_reply") or p.get("allow_sending_without_reply")):
                    raise _bad("message to be replied not found")
                reply_id = None
            message = BotMessage(chat.info["id"], next(chat.ids), text, str(p["text"]), p.get("parse_mode"),
                                 entities, markup, int(time.time()), reply_id)
            chat.bot_messages[message.message_id] = message
            self._notify()
            return self._message_dict(chat, message)

    def _editable(self, p: JSON) -> tuple[_Chat, BotMessage]:
        if p.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat, message_id = self._chat(p), _int_param(p, "message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        message = chat.bot_messages.get(message_id)
        if message is None and message_id in chat.user_messages:
            raise _bad("message can't be edited")
        if message is None or message.deleted:
            raise _bad("message to edit not found")
        return chat, message

    def _apply_edit(self, chat: _Chat, m: BotMessage, text: str, raw: str, mode: str | None,
                    entities: list[JSON], markup: JSON | None) -> JSON:
        with self._lock:
            if json.dumps([text, entities, markup], sort_keys=True) == json.dumps(
                    [m.text, m.entities, m.reply_markup], sort_keys=True):
                raise _bad(_NOT_MODIFIED)
            m.history.append({"text": m.text, "raw_text": m.raw_text, "parse_mode": m.parse_mode,
                              "entities": m.entities, "reply_markup": m.reply_markup, "edit_date": m.edit_date})
            m.text, m.raw_text, m.parse_mode, m.entities, m.reply_markup = text, raw, mode, entities, markup
            m.edit_date = int(time.time())
            self._notify()
            return self._message_dict(chat, m)

    def _edit_message_text(self, p: JSON) -> JSON:
        text, entities = self._render(p)
        markup = _parse_markup(p)  # no reply_markup removes the inline keyboard, as on Telegram
        chat, m = self._editable(p)
        return self._apply_edit(chat, m, text, str(p["text"]), p.get("parse_mode"), entities, markup)

    def _edit_reply_markup(self, p: JSON) -> JSON:
        markup = _parse_markup(p)
        chat, m = self._editable(p)
        return self._apply_edit(chat, m, m.text, m.raw_text, m.parse_mode, m.entities, markup)

    def _delete_message(self, p: JSON) -> bool:
        chat, message_id = self._chat(p), _int_param(p, "message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        with self._lock:
            if message_id in chat.user_messages and chat.info["type"] == "private":
                chat.user_messages.pop(message_id)
            elif message_id in chat.user_messages:
                raise _bad("message can't be deleted")
            elif message_id not in chat.bot_messages or chat.bot_messages[message_id].deleted:
                raise _bad("message to delete not found")
            else:
                chat.bot_messages[message_id].deleted = True
            self._notify()
        return True

    def _answer_callback_query(self, p: JSON) -> bool:
        with self._lock:
            query = self._queries.get(str(p.get("callback_query_id", "")))
            if query is None or query["answered"]:
                raise _bad("query is too old and response timeout expired or query ID is invalid")
            query["answered"] = True
            self._answers.append({**{k: v for k, v in p.items() if k != "callback_query_id"},
                                  "callback_query_id": query["id"], "chat_id": query["chat_id"],
                                  "message_id": query["message_id"]})
            self._notify()
        return True

    def _send_chat_action(self, p: JSON) -> bool:
        chat = self._chat(p)
        if p.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        with self._lock:
            chat.actions.append(str(p["action"]))
            self._notify()
        return True

    @staticmethod
    def _commands_key(p: JSON) -> tuple[str, str]:
        scope = _json_param(p, "scope", "bot command scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in (
                "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
                "chat_administrators", "chat_member"):
            raise _bad("can't parse BotCommandScope: Unsupported type specified")
        language = str(p.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        return json.dumps(scope, sort_keys=True), language

    def _set_my_commands(self, p: JSON) -> bool:
        commands = _json_param(p, "commands", "commands") or []
        if not isinstance(commands, list):
            raise _bad('field "commands" must be of type Array')
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        for c in commands:
            for name in ("command", "description"):
                if not isinstance(c, dict) or not isinstance(c.get(name), str):
                    raise _bad(f'can\'t parse BotCommand: Can\'t find field "{name}"')
            if not re.fullmatch(r"[a-z0-9_]{1,32}", c["command"]):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(c["description"].strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(p)
        with self._lock:
            self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    def _get_my_commands(self, p: JSON) -> list[JSON]:
        with self._lock:
            return copy.deepcopy(self._commands.get(self._commands_key(p), []))

    def _delete_my_commands(self, p: JSON) -> bool:
        key = self._commands_key(p)
        with self._lock:
            self._commands.pop(key, None)
        return True


    # ----------------------------------------------------------------- test side: playing the users
    def send_text(self, chat_id: int, text: str, *, user_id: int | None = None, first_name: str = "Alice",
                  username: str | None = None, language_code: str | None = "en", chat_type: str = "private",
                  title: str | None = None, reply_to_message_id: int | None = None,
                  entities: list[JSON] | None = None) -> JSON:
        """A user sends text; /commands and @mentions get their entities automatically. Returns the Message."""
        entities = _auto_entities(text) if entities is None else entities
        return self._user_message(chat_id, {"text": text, **({"entities": entities} if entities else {})},
                                  user_id=user_id, first_name=first_name, username=username,
                                  language_code=language_code, chat_type=chat_type, title=title,
                                  reply_to_message_id=reply_to_message_id)

    def send_photo(self, chat_id: int, *, caption: str | None = None, **sender: Any) -> JSON:
        """A user sends a photo (optionally captioned); `sender` takes send_text's keyword arguments."""
        photo = {**self._file(), "width": 800, "height": 600}
        return self._user_message(chat_id, {"photo": [photo]} | ({"caption": caption} if caption else {}), **sender)

    def send_sticker(self, chat_id: int, emoji: str = "👍", **sender: Any) -> JSON:
        sticker = {**self._file(), "type": "regular", "width": 512, "height": 512, "is_animated": False,
                   "is_video": False, "emoji": emoji}
        return self._user_message(chat_id, {"sticker": sticker}, **sender)

    def send_voice(self, chat_id: int, duration: int = 2, **sender: Any) -> JSON:
        voice = {**self._file(), "duration": duration, "mime_type": "audio/ogg"}
        return self._user_message(chat_id, {"voice": voice}, **sender)

    def send_document(self, chat_id: int, file_name: str = "file.pdf", *, mime_type: str = "application/pdf",
                      caption: str | None = None, **sender: Any) -> JSON:
        document = {**self._file(), "file_name": file_name, "mime_type": mime_type}
        content = {"document": document} | ({"caption": caption} if caption else {})
        return self._user_message(chat_id, content, **sender)

    def send_location(self, chat_id: int, latitude: float, longitude: float, **sender: Any) -> JSON:
        location = {"latitude": latitude, "longitude": longitude}
        return self._user_message(chat_id, {"location": location}, **sender)

    def edit_user_message(self, chat_id: int, message_id: int, text: str) -> JSON:
        """The user edits one of their text messages: an edited_message update."""
        with self._lock:
            original = self._chats[chat_id].user_messages[message_id]
            entities = _auto_entities(text)
            original.update({"text": text, "edit_date": int(time.time())}, **({"entities": entities}))
            if not entities:
                original.pop("entities")
            self._push("edited_message", original)
            return copy.deepcopy(original)

    def press_button(self, chat_id: int, message_id: int, callback_data: str | None = None, *,
                     text: str | None = None, user_id: int | None = None, first_name: str = "Alice",
                     language_code: str | None = "en") -> str:
        """The user taps a callback button (chosen by data and/or text) of a bot message; returns the query id."""
        with self._lock:
            chat = self._chats[chat_id]
            message = chat.bot_messages.get(message_id)
            if message is None or message.deleted:
                raise LookupError(f"chat {chat_id} shows no bot message {message_id}")
            button = next((b for b in message.buttons if "callback_data" in b and text in (None, b["text"])
                           and callback_data in (None, b["callback_data"])), None)
            if button is None:
                raise LookupError(f"message {message_id} has no such callback button; it has {message.buttons}")
            query_id = str(8_000_000_000 + next(self._query_ids))
            user = self._user(chat, user_id, first_name, None, language_code)
            self._queries[query_id] = {"id": query_id, "answered": False, "chat_id": chat_id,
                                       "message_id": message_id}
            self._push("callback_query", {"id": query_id, "from": user, "message": self._message_dict(chat, message),
                                          "chat_instance": str(abs(chat_id) * 31), "data": button["callback_data"]})
            return query_id

    def _user(self, chat: _Chat, user_id: int | None, first_name: str, username: str | None,
              language_code: str | None) -> JSON:
        private = chat.info["type"] == "private"
        user = {"id": user_id or (chat.info["id"] if private else 1001), "is_bot": False, "first_name": first_name}
        return user | ({"username": username} if username else {}) | (
            {"language_code": language_code} if language_code else {})

    def _user_message(self, chat_id: int, content: JSON, *, user_id: int | None = None, first_name: str = "Alice",
                      username: str | None = None, language_code: str | None = "en", chat_type: str = "private",
                      title: str | None = None, reply_to_message_id: int | None = None) -> JSON:
        with self._lock:
            info = {"id": chat_id, "type": chat_type} | (
                {"first_name": first_name} | ({"username": username} if username else {}) if chat_type == "private"
                else {"title": title or f"Test {chat_type}"})
            chat = self._chats.setdefault(chat_id, _Chat(info))
            message = {"message_id": next(chat.ids), "from": self._user(chat, user_id, first_name, username,
                                                                          language_code),
                       "chat": chat.info, "date": int(time.time()), **content}
            if reply_to_message_id is not None:
                target = self._find(chat, reply_to_message_id)
                if target is None:
                    raise LookupError(f"chat {chat_id} has no message {reply_to_message_id} to reply to")
                message["reply_to_message"] = target
            chat.user_messages[message["message_id"]] = message
            if not self.privacy_mode or chat_type == "private" or self._addressed(chat, message):
                self._push("message", message)
            return copy.deepcopy(message)

    def _addressed(self, chat: _Chat, message: JSON) -> bool:
        """Privacy mode: groups only deliver commands for us, @mentions of us and replies to our messages."""
        name = f"@{self.bot_user['username']}".lower()
        for e in message.get("entities", []):
            word = message["text"].encode("utf-16-le")[2 * e["offset"]:2 * (e["offset"] + e["length"])]
            word = word.decode("utf-16-le").lower()
            if (e["type"] == "bot_command" and "@" not in word) or word.endswith(name):
                return True
        return message.get("reply_to_message", {}).get("message_id") in chat.bot_messages

    def _push(self, kind: str, payload: JSON) -> None:
        self._updates.append({"update_id": next(self._update_ids), kind: copy.deepcopy(payload)})
        self._notify()

    def _file(self) -> JSON:
        n = next(self._file_ids)
        return {"file_id": f"AgACAgQAAxkBAAI{n:08d}", "file_unique_id": f"AQAD{n:08d}", "file_size": 1000 + n}

    # ----------------------------------------------------------------- test side: what the users see
    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[BotMessage]:
        """The bot's messages in a chat, oldest first, as currently shown (edits applied)."""
        with self._lock:
            chat = self._chats.get(chat_id)
            shown = [m for m in (chat.bot_messages.values() if chat else []) if include_deleted or not m.deleted]
            return copy.deepcopy(shown)

    def chat_actions(self, chat_id: int) -> list[str]:
        with self._lock:
            return list(self._chats[chat_id].actions) if chat_id in self._chats else []

    def callback_answers(self, chat_id: int | None = None) -> list[JSON]:
        with self._lock:
            return [dict(a) for a in self._answers if chat_id in (None, a["chat_id"])]

    def unanswered_callback_queries(self) -> list[str]:
        with self._lock:
            return [q["id"] for q in self._queries.values() if not q["answered"]]

    def commands(self, language_code: str = "", scope: JSON | None = None) -> list[JSON]:
        return self._get_my_commands({"language_code": language_code, "scope": scope})

    def calls(self, method: str | None = None) -> list[ApiCall]:
        with self._lock:
            return [copy.copy(c) for c in self._calls if method is None or c.method.lower() == method.lower()]

    def pending_updates(self) -> list[JSON]:
        with self._lock:
            return copy.deepcopy(self._updates)

    # ----------------------------------------------------------------- test side: making Telegram misbehave
    def fail_next(self, method: str, status: int = 429, *, retry_after: int | None = None,
                  description: str | None = None, times: int = 1) -> None:
        """The next `times` calls of `method` fail with `status` (429 gets parameters.retry_after)."""
        retry_after = retry_after or (1 if status == 429 else None)
        default = f"Too Many Requests: retry after {retry_after}" if status == 429 else _ERRORS.get(status, "Error")
        error = ApiError(status, description or default, {"retry_after": retry_after} if retry_after else None)
        with self._lock:
            self._failures[method.lower()].extend([error] * times)

    def block_chat(self, chat_id: int) -> None:
        """The user blocks the bot: sending to them now fails with 403 Forbidden."""
        with self._lock:
            self._blocked.add(chat_id)

    # ----------------------------------------------------------------- waiting
    async def wait_until(self, predicate: Callable[[], T], timeout: float = 5.0, what: str = "condition") -> T:
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} not met within {timeout}s")
            await asyncio.sleep(0.005)

    def wait_until_sync(self, predicate: Callable[[], T], timeout: float = 5.0, what: str = "condition") -> T:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (result := predicate()):
                if not self._cond.wait(max(deadline - time.monotonic(), 0)) and time.monotonic() >= deadline:
                    raise TimeoutError(f"{what} not met within {timeout}s")
            return result

    def _enough(self, chat_id: int, count: int, after: int) -> Callable[[], list[BotMessage]]:
        def check() -> list[BotMessage]:
            shown = [m for m in self.messages(chat_id) if m.message_id > after]
            return shown if len(shown) >= count else []
        return check

    def _waiting(self, chat_id: int, count: int) -> str:
        return f"{count} bot message(s) in chat {chat_id} (shown: {[m.text for m in self.messages(chat_id)]})"

    async def wait_for_messages(self, chat_id: int, count: int = 1, *, after_message_id: int = 0,
                                timeout: float = 5.0) -> list[BotMessage]:
        """Wait until the chat shows >= count bot messages newer than after_message_id; return them."""
        try:
            return await self.wait_until(self._enough(chat_id, count, after_message_id), timeout)
        except TimeoutError:
            raise TimeoutError(f"timed out waiting for {self._waiting(chat_id, count)}") from None

    def wait_for_messages_sync(self, chat_id: int, count: int = 1, *, after_message_id: int = 0,
                               timeout: float = 5.0) -> list[BotMessage]:
        try:
            return self.wait_until_sync(self._enough(chat_id, count, after_message_id), timeout)
        except TimeoutError:
            raise TimeoutError(f"timed out waiting for {self._waiting(chat_id, count)}") from None


_AUTO_ENTITY = re.compile(r"(?<!\S)(/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?|@[A-Za-z0-9_]{4,32})\b")


def _auto_entities(text: str) -> list[JSON]:
    return [_entity("bot_command" if m.group(1)[0] == "/" else "mention", _u16(text[:m.start()]), _u16(text[:m.end()]))
            for m in _AUTO_ENTITY.finditer(text)]
