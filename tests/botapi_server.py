"""A fake Telegram Bot API server that accepts what Telegram accepts and rejects what it rejects.

The real python-telegram-bot stack talks to it over HTTP (``base_url=server.base_url``) and long-polls
``getUpdates``; tests play the users (``send_text``, ``press_button``...) and check what they would see
(``messages``, ``wait_for_messages``). The server runs its own event loop in a daemon thread, so sync
scripts and pytest-asyncio tests can both use it; every public method is thread-safe. Error descriptions
are Telegram's; entity-parsing reasons follow tdlib's parser.
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
from typing import Any, Self, TypeVar

from aiohttp import web

from tests.telegram_entities import (  # noqa: F401  (parse_* and ParseError are re-exported)
    _PARSERS,
    _SPACE,
    JSON,
    ParseError,
    _entity,
    _u16,
    parse_html,
    parse_markdown,
    parse_markdown_v2,
    url_problem,
)

T = TypeVar("T")
_BUTTON_ACTIONS = ("callback_data", "url", "web_app", "login_url", "switch_inline_query", "pay", "copy_text",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game")
_CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                 "upload_document", "choose_sticker", "find_location", "record_video_note",
                 "upload_video_note"}
_SCOPES = {"default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
           "chat_administrators", "chat_member"}
_ERRORS = {400: "Bad Request", 403: "Forbidden: bot was blocked by the user", 409: "Conflict",
           500: "Internal Server Error", 502: "Bad Gateway"}
_NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are exactly the "
                 "same as a current content and reply markup of the message")
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


@dataclass
class ApiCall:
    method: str
    params: JSON
    timestamp: float
    error: str | None = None  # the description, when the call was rejected


@dataclass
class BotMessage:
    """A bot message as the user sees it: edits applied in place, earlier versions kept in ``history``."""

    chat_id: int
    message_id: int
    text: str  # the plain text after entity parsing: what the user reads
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
        """Rows of inline buttons ({text, callback_data | url | ...}); [] without an inline keyboard."""
        return (self.reply_markup or {}).get("inline_keyboard", [])

    @property
    def buttons(self) -> list[JSON]:
        return [b for row in self.keyboard for b in row]


@dataclass
class _Chat:
    info: JSON
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    user_messages: dict[int, JSON] = field(default_factory=dict)
    bot_messages: dict[int, BotMessage] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)


class BotApiServer:
    def __init__(self, token: str = "123456789:TEST-resobot-token", *, username: str = "resobot_test_bot",
                 first_name: str = "resobot", privacy_mode: bool = False, host: str = "127.0.0.1") -> None:
        self.token, self.host, self.port, self.privacy_mode = token, host, 0, privacy_mode
        self.bot_user: JSON = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": first_name,
                               "username": username}
        self.webhook: JSON = {}
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._chats: dict[int, _Chat] = {}
        self._updates: list[JSON] = []
        self._counter = itertools.count(1)
        self._queries: dict[str, JSON] = {}
        self._answers: list[JSON] = []
        self._calls: list[ApiCall] = []
        self._failures: dict[str, list[ApiError]] = defaultdict(list)
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._blocked: set[int] = set()
        self._allowed: set[str] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._pollers: set[asyncio.Event] = set()
        self._poll_generation, self._closing = 0, False
        self._methods: dict[str, tuple[str, Callable[[JSON], Any]]] = {n.lower(): (n, fn) for n, fn in [
            ("getMe", self._get_me), ("getUpdates", self._get_updates), ("setWebhook", self._set_webhook),
            ("deleteWebhook", self._delete_webhook), ("getWebhookInfo", self._get_webhook_info),
            ("sendMessage", self._send_message), ("editMessageText", self._edit_message_text),
            ("editMessageReplyMarkup", self._edit_reply_markup), ("deleteMessage", self._delete_message),
            ("answerCallbackQuery", self._answer_callback_query), ("sendChatAction", self._send_chat_action),
            ("setMyCommands", self._set_my_commands), ("getMyCommands", self._get_my_commands),
            ("deleteMyCommands", self._delete_my_commands), ("logOut", bool), ("close", bool)]}

    # ------------------------------------------------------------------ lifecycle
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    def start(self) -> Self:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="botapi-server", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]

    def stop(self) -> None:
        loop, self._loop, self._closing = self._loop, None, True
        if loop is not None and self._thread is not None:
            loop.call_soon_threadsafe(self._wake)  # pending long polls return at once
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), loop).result(timeout=10)
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join(timeout=10)
            loop.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.stop)

    # ------------------------------------------------------------------ HTTP
    async def _handle(self, request: web.Request) -> web.Response:
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            name, handler = self._methods.get(request.match_info["method"].lower(), ("", None))
            if handler is None:
                raise ApiError(404, "Not Found")
            params: JSON = dict(request.query)
            try:
                if request.content_type == "application/json" and request.can_read_body:
                    params.update(await request.json(loads=lambda s: json.loads(s or "{}")))
                elif request.can_read_body:
                    params.update({k: v.file.read() if isinstance(v, web.FileField) else v
                                   for k, v in (await request.post()).items()})
            except (ValueError, TypeError):
                raise _bad("can't parse JSON encoded request") from None
            call = ApiCall(name, params, time.time())
            with self._lock:
                self._calls.append(call)
                failure = self._failures[name.lower()].pop(0) if self._failures[name.lower()] else None
            try:
                if failure:
                    raise failure
                result = handler(params)
                result = await result if asyncio.iscoroutine(result) else result
            except ApiError as e:
                call.error = e.description
                raise
            return web.json_response({"ok": True, "result": result})
        except ApiError as e:
            body = {"ok": False, "error_code": e.code, "description": e.description}
            return web.json_response(body | _some(parameters=e.parameters), status=e.code)

    def _wake(self) -> None:
        for event in self._pollers:
            event.set()

    def _notify(self) -> None:
        """Call with the lock held after every change of state."""
        self._cond.notify_all()
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake)

    # ------------------------------------------------------------------ Bot API methods
    def _get_me(self, p: JSON) -> JSON:
        return self.bot_user | {"can_join_groups": True, "can_read_all_group_messages": not self.privacy_mode,
                                "supports_inline_queries": False, "can_connect_to_business": False,
                                "has_main_web_app": False}

    async def _get_updates(self, p: JSON) -> list[JSON]:
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use "
                                "deleteWebhook to delete the webhook first")
        offset, limit = _int_param(p, "offset") or 0, min(max(_int_param(p, "limit") or 100, 1), 100)
        allowed = _json_param(p, "allowed_updates", "allowed updates")
        deadline = time.monotonic() + max(float(p.get("timeout") or 0), 0.0)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake()  # like Telegram, a newer getUpdates terminates an older one still waiting (409)
        while True:
            with self._lock:
                self._allowed = self._allowed if allowed is None else set(allowed) or None
                self._updates = self._updates[offset:] if offset < 0 else [
                    u for u in self._updates if u["update_id"] >= offset and self._is_allowed(u)]
                batch = copy.deepcopy(self._updates[:limit])
            if generation != self._poll_generation:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only "
                                    "one bot instance is running")
            if batch or self._closing or time.monotonic() >= deadline:
                return batch
            event = asyncio.Event()
            self._pollers.add(event)
            try:
                await asyncio.wait_for(event.wait(), deadline - time.monotonic())
            except TimeoutError:
                pass
            finally:
                self._pollers.discard(event)

    def _is_allowed(self, update: JSON) -> bool:
        kind = next(k for k in update if k != "update_id")
        return kind in self._allowed if self._allowed else kind not in (
            "chat_member", "message_reaction", "message_reaction_count")

    def _set_webhook(self, p: JSON) -> bool:
        url = str(p.get("url") or "")
        if url and not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        with self._lock:
            self.webhook = {k: v for k, v in p.items() if not isinstance(v, bytes)} if url else {}
            if str(p.get("drop_pending_updates")).lower() == "true":
                self._updates.clear()
        return True

    def _delete_webhook(self, p: JSON) -> bool:
        return self._set_webhook({"drop_pending_updates": p.get("drop_pending_updates")})

    def _get_webhook_info(self, p: JSON) -> JSON:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    def _chat(self, p: JSON) -> _Chat:
        chat_id = str(p.get("chat_id") or "")
        if not chat_id:
            raise _bad("chat_id is empty")
        with self._lock:
            chat = self._chats.get(int(chat_id)) if re.fullmatch(r"-?\d+", chat_id) else next(
                (c for c in self._chats.values() if chat_id == f"@{c.info.get('username')}"
                 and c.info["type"] != "private"), None)
        if chat is None:
            raise _bad("chat not found")
        if chat.info["id"] in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _render(self, p: JSON) -> tuple[str, list[JSON]]:
        raw, mode = p.get("text"), str(p.get("parse_mode") or "")
        if raw in (None, ""):
            raise _bad("message text is empty")
        if mode and mode.lower() not in _PARSERS:
            raise _bad("unsupported parse_mode")
        try:
            text, entities = _PARSERS[mode.lower()](str(raw)) if mode else (
                str(raw), list(_json_param(p, "entities", "entities") or []))
        except ParseError as e:
            raise _bad(f"can't parse entities: {e}") from None
        text, entities = _trim(text, entities)
        if not text:
            raise _bad("text must be non-empty")
        if _u16(text) > 4096:
            raise _bad("message is too long")
        return text, entities

    def _message_dict(self, chat: _Chat, m: BotMessage) -> JSON:
        return copy.deepcopy(_some(
            message_id=m.message_id, date=m.date, chat=chat.info, text=m.text, entities=m.entities,
            reply_markup=m.reply_markup, edit_date=m.edit_date,
            reply_to_message=self._find(chat, m.reply_to_message_id)) | {"from": self.bot_user})

    def _find(self, chat: _Chat, message_id: int | None) -> JSON | None:
        """The message as quoted in a reply (without its own reply_to_message); None if not shown."""
        bot_message = chat.bot_messages.get(message_id or 0)
        found = (None if bot_message.deleted else self._message_dict(chat, bot_message)) if bot_message else \
            chat.user_messages.get(message_id or 0)
        return {k: v for k, v in found.items() if k != "reply_to_message"} if found else None

    def _send_message(self, p: JSON) -> JSON:
        if not p.get("chat_id"):
            raise _bad("chat_id is empty")
        text, entities = self._render(p)
        markup, chat = _parse_markup(p), self._chat(p)
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

    def _edit(self, p: JSON, text: str | None, entities: list[JSON]) -> JSON:
        if p.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        markup, chat, message_id = _parse_markup(p), self._chat(p), _int_param(p, "message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        with self._lock:
            m = chat.bot_messages.get(message_id)
            if m is None and message_id in chat.user_messages:
                raise _bad("message can't be edited")
            if m is None or m.deleted:
                raise _bad("message to edit not found")
            new = (m.text, m.raw_text, m.parse_mode, m.entities) if text is None else (
                text, str(p["text"]), p.get("parse_mode"), entities)
            if json.dumps([new[0], new[3], markup], sort_keys=True) == json.dumps(
                    [m.text, m.entities, m.reply_markup], sort_keys=True):
                raise _bad(_NOT_MODIFIED)
            m.history.append({"text": m.text, "raw_text": m.raw_text, "parse_mode": m.parse_mode, "entities":
                              m.entities, "reply_markup": m.reply_markup, "edit_date": m.edit_date})
            (m.text, m.raw_text, m.parse_mode, m.entities), m.reply_markup = new, markup
            m.edit_date = int(time.time())
            self._notify()
            return self._message_dict(chat, m)

    def _edit_message_text(self, p: JSON) -> JSON:
        return self._edit(p, *self._render(p))  # without reply_markup, the inline keyboard goes away

    def _edit_reply_markup(self, p: JSON) -> JSON:
        return self._edit(p, None, [])

    def _delete_message(self, p: JSON) -> bool:
        chat, message_id = self._chat(p), _int_param(p, "message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        with self._lock:
            if message_id in chat.user_messages and chat.info["type"] != "private":
                raise _bad("message can't be deleted")
            if message_id in chat.user_messages:
                del chat.user_messages[message_id]
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
            self._answers.append(p | {"chat_id": query["chat_id"], "message_id": query["message_id"]})
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
        language = p.get("language_code")
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
            raise _bad("can't parse BotCommandScope: Unsupported type specified")
        if language and not re.fullmatch(r"[a-z]{2}", str(language)):
            raise _bad("invalid language code specified")
        return json.dumps(scope, sort_keys=True), str(language or "")

    def _set_my_commands(self, p: JSON) -> bool:
        commands = _json_param(p, "commands", "commands") or []
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH" if isinstance(commands, list) else
                       "can't parse commands JSON object")
        for c in commands:
            missing = [k for k in ("command", "description")
                       if not isinstance(c, dict) or not isinstance(c.get(k), str)]
            if missing:
                raise _bad(f'can\'t parse BotCommand: Can\'t find field "{missing[0]}"')
            if not re.fullmatch(r"[a-z0-9_]{1,32}", c["command"]):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(c["description"].strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(p)
        with self._lock:
            self._commands[key] = [{k: c[k] for k in ("command", "description")} for c in commands]
        return True

    def _get_my_commands(self, p: JSON) -> list[JSON]:
        with self._lock:
            return copy.deepcopy(self._commands.get(self._commands_key(p), []))

    def _delete_my_commands(self, p: JSON) -> bool:
        key = self._commands_key(p)
        with self._lock:
            self._commands.pop(key, None)
        return True

    # ------------------------------------------------------------------ test side: the users act
    def send_text(self, chat_id: int, text: str, *, user_id: int | None = None, first_name: str = "Alice",
                  username: str | None = None, language_code: str | None = "en", chat_type: str = "private",
                  title: str | None = None, reply_to_message_id: int | None = None,
                  entities: list[JSON] | None = None) -> JSON:
        """A user sends text (/commands and @mentions get their entities); returns the Message delivered."""
        entities = _auto_entities(text) if entities is None else entities
        return self._user_message(chat_id, {"text": text} | ({"entities": entities} if entities else {}),
                                  user_id=user_id, first_name=first_name, username=username, title=title,
                                  language_code=language_code, chat_type=chat_type,
                                  reply_to_message_id=reply_to_message_id)

    def send_photo(self, chat_id: int, *, caption: str | None = None, **sender: Any) -> JSON:
        """Media senders take send_text's keyword arguments (user_id, chat_type...) as ``sender``."""
        photo = self._file() | {"width": 800, "height": 600}
        return self._user_message(chat_id, {"photo": [photo]} | _some(caption=caption), **sender)

    def send_sticker(self, chat_id: int, emoji: str = "👍", **sender: Any) -> JSON:
        sticker = self._file() | {"type": "regular", "width": 512, "height": 512, "is_animated": False,
                                  "is_video": False, "emoji": emoji}
        return self._user_message(chat_id, {"sticker": sticker}, **sender)

    def send_voice(self, chat_id: int, duration: int = 2, **sender: Any) -> JSON:
        voice = self._file() | {"duration": duration, "mime_type": "audio/ogg"}
        return self._user_message(chat_id, {"voice": voice}, **sender)

    def send_document(self, chat_id: int, file_name: str = "file.pdf", *, mime_type: str = "application/pdf",
                      caption: str | None = None, **sender: Any) -> JSON:
        document = self._file() | {"file_name": file_name, "mime_type": mime_type}
        return self._user_message(chat_id, {"document": document} | _some(caption=caption), **sender)

    def send_location(self, chat_id: int, latitude: float, longitude: float, **sender: Any) -> JSON:
        location = {"latitude": latitude, "longitude": longitude}
        return self._user_message(chat_id, {"location": location}, **sender)

    def edit_user_message(self, chat_id: int, message_id: int, text: str) -> JSON:
        """The user edits one of their text messages: an edited_message update."""
        with self._lock:
            message = self._chats[chat_id].user_messages[message_id]
            message.pop("entities", None)
            entities = _auto_entities(text)
            message.update({"text": text, "edit_date": int(time.time())} | _some(entities=entities))
            self._push("edited_message", message)
            return copy.deepcopy(message)

    def press_button(self, chat_id: int, message_id: int, callback_data: str | None = None, *,
                     text: str | None = None, user_id: int | None = None, first_name: str = "Alice",
                     language_code: str | None = "en") -> str:
        """The user taps a callback button (by data and/or text) of a bot message: returns the query id."""
        with self._lock:
            chat = self._chats[chat_id]
            message = chat.bot_messages.get(message_id)
            if message is None or message.deleted:
                raise LookupError(f"chat {chat_id} shows no bot message {message_id}")
            button = next((b for b in message.buttons if "callback_data" in b and text in (None, b["text"])
                           and callback_data in (None, b["callback_data"])), None)
            if button is None:
                raise LookupError(f"message {message_id} has no such callback button, only {message.buttons}")
            query_id = str(5_000_000_000_000 + next(self._counter))
            self._queries[query_id] = {"answered": False, "chat_id": chat_id, "message_id": message_id}
            self._push("callback_query", {"id": query_id, "data": button["callback_data"],
                                          "from": self._user(chat, user_id, first_name, None, language_code),
                                          "message": self._message_dict(chat, message),
                                          "chat_instance": str(abs(chat_id) * 7919)})
            return query_id

    def _user(self, chat: _Chat, user_id: int | None, first_name: str, username: str | None,
              language_code: str | None) -> JSON:
        user_id = user_id or (chat.info["id"] if chat.info["type"] == "private" else 1001)
        return {"id": user_id, "is_bot": False, "first_name": first_name} | _some(
            username=username, language_code=language_code)

    def _user_message(self, chat_id: int, content: JSON, *, user_id: int | None = None,
                      first_name: str = "Alice", username: str | None = None,
                      language_code: str | None = "en", chat_type: str = "private", title: str | None = None,
                      reply_to_message_id: int | None = None) -> JSON:
        with self._lock:
            private = chat_type == "private"
            chat = self._chats.setdefault(chat_id, _Chat({"id": chat_id, "type": chat_type} | _some(
                title=None if private else title or f"Test {chat_type}", first_name=private and first_name,
                username=private and username)))
            message = {"message_id": next(chat.ids), "date": int(time.time()), "chat": chat.info,
                       "from": self._user(chat, user_id, first_name, username, language_code)} | content
            if reply_to_message_id is not None:
                message["reply_to_message"] = self._find(chat, reply_to_message_id)
                if message["reply_to_message"] is None:
                    raise LookupError(f"chat {chat_id} shows no message {reply_to_message_id} to reply to")
            chat.user_messages[message["message_id"]] = message
            if not self.privacy_mode or chat_type == "private" or self._addressed(chat, message):
                self._push("message", message)
            return copy.deepcopy(message)

    def _addressed(self, chat: _Chat, message: JSON) -> bool:
        """Privacy mode: in groups only commands for us, @mentions of us and replies to us are delivered."""
        for e in message.get("entities", []):
            word = message["text"].encode("utf-16-le")[2 * e["offset"]:2 * (e["offset"] + e["length"])]
            word = word.decode("utf-16-le").lower()
            ours = word.endswith(f"@{self.bot_user['username']}")
            if ours or (e["type"] == "bot_command" and "@" not in word):
                return True
        return message.get("reply_to_message", {}).get("message_id") in chat.bot_messages

    def _push(self, kind: str, payload: JSON) -> None:
        self._updates.append({"update_id": 100_000 + next(self._counter), kind: copy.deepcopy(payload)})
        self._notify()

    def _file(self) -> JSON:
        n = next(self._counter)
        return {"file_id": f"AgACAgQAAxkBAAI{n:08d}", "file_unique_id": f"AQAD{n:08d}", "file_size": 1000 + n}

    # ------------------------------------------------------------------ test side: what the users see
    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[BotMessage]:
        """The bot's messages in a chat, oldest first, as shown now (edits applied, deleted ones gone)."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return copy.deepcopy([m for m in (chat.bot_messages.values() if chat else [])
                                  if include_deleted or not m.deleted])

    def chat_actions(self, chat_id: int) -> list[str]:
        with self._lock:
            return list(self._chats[chat_id].actions) if chat_id in self._chats else []

    def callback_answers(self, chat_id: int | None = None) -> list[JSON]:
        with self._lock:
            return [dict(a) for a in self._answers if chat_id in (None, a["chat_id"])]

    def unanswered_callback_queries(self) -> list[str]:
        with self._lock:
            return [query_id for query_id, q in self._queries.items() if not q["answered"]]

    def commands(self, language_code: str = "", scope: JSON | None = None) -> list[JSON]:
        return self._get_my_commands({"language_code": language_code, "scope": scope})

    def calls(self, method: str | None = None) -> list[ApiCall]:
        with self._lock:
            return [copy.copy(c) for c in self._calls if method is None or c.method.lower() == method.lower()]

    def pending_updates(self) -> list[JSON]:
        with self._lock:
            return copy.deepcopy(self._updates)

    # ------------------------------------------------------------------ test side: Telegram misbehaves
    def fail_next(self, method: str, status: int = 429, *, retry_after: int | None = None,
                  description: str | None = None, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` fail with ``status``; 429 carries parameters.retry_after."""
        retry_after = retry_after or (1 if status == 429 else None)
        description = description or (f"Too Many Requests: retry after {retry_after}" if status == 429
                                      else _ERRORS.get(status, "Error"))
        with self._lock:
            self._failures[method.lower()] += [
                ApiError(status, description, {"retry_after": retry_after} if retry_after else None)] * times

    def push_raw_update(self, kind: str, payload: JSON) -> int:
        """An update exactly as given, e.g. a message without the `date` every real one has (a changed or
        mangled API): what a client library may fail to parse. Returns its update_id."""
        with self._lock:
            self._push(kind, payload)
            return self._updates[-1]["update_id"]

    def forge_callback_query(self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None,
                             language_code: str | None = "en") -> str:
        """A modified client sends callback data that no button of the message carries (Telegram passes
        it on as is: bots must check it). Returns the query id."""
        with self._lock:
            chat = self._chats[chat_id]
            message = chat.bot_messages[message_id]
            query_id = str(5_000_000_000_000 + next(self._counter))
            self._queries[query_id] = {"answered": False, "chat_id": chat_id, "message_id": message_id}
            self._push("callback_query", {"id": query_id, "data": data,
                                          "from": self._user(chat, user_id, "Mallory", None, language_code),
                                          "message": self._message_dict(chat, message),
                                          "chat_instance": str(abs(chat_id) * 7919)})
            return query_id

    def block_chat(self, chat_id: int) -> None:
        """The user blocks the bot: what is sent to them now fails with 403 Forbidden."""
        with self._lock:
            self._blocked.add(chat_id)

    # ------------------------------------------------------------------ waiting
    async def wait_until(self, predicate: Callable[[], T], timeout: float = 5.0, what: str = "condition"
                         ) -> T:
        """Poll ``predicate`` (run under the server lock) until it returns something truthy; return it."""
        deadline = time.monotonic() + timeout
        while not (result := self._locked(predicate)):
            if time.monotonic() >= deadline:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            await asyncio.sleep(0.005)
        return result

    def wait_until_sync(self, predicate: Callable[[], T], timeout: float = 5.0, what: str = "condition") -> T:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (result := predicate()):
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
                self._cond.wait(deadline - time.monotonic())
            return result

    def _locked(self, predicate: Callable[[], T]) -> T:
        with self._lock:
            return predicate()

    def _shown(self, chat_id: int, count: int, after: int) -> tuple[Callable[[], list[BotMessage]], str]:
        def check() -> list[BotMessage]:
            shown = [m for m in self.messages(chat_id) if m.message_id > after]
            return shown if len(shown) >= count else []
        return check, f"{count} bot message(s) in chat {chat_id}"

    async def wait_for_messages(self, chat_id: int, count: int = 1, *, after_message_id: int = 0,
                                timeout: float = 5.0) -> list[BotMessage]:
        """Wait until the chat shows >= count bot messages newer than after_message_id; return them all."""
        check, what = self._shown(chat_id, count, after_message_id)
        try:
            return await self.wait_until(check, timeout, what)
        except TimeoutError as e:
            raise TimeoutError(f"{e} (shown: {[m.text for m in self.messages(chat_id)]})") from None

    def wait_for_messages_sync(self, chat_id: int, count: int = 1, *, after_message_id: int = 0,
                               timeout: float = 5.0) -> list[BotMessage]:
        check, what = self._shown(chat_id, count, after_message_id)
        try:
            return self.wait_until_sync(check, timeout, what)
        except TimeoutError as e:
            raise TimeoutError(f"{e} (shown: {[m.text for m in self.messages(chat_id)]})") from None
