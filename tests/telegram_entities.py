"""Telegram's entity parsers, as the fake Bot API server applies them: HTML, MarkdownV2 and (legacy)
Markdown text → (plain text, entities), or ParseError with the reason Telegram gives (tdlib's rules).
Offsets and lengths are in UTF-16 code units, as in the Bot API."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

JSON = dict[str, Any]

_SPACE = " \t\r\n\f\v"
_HTML_TAGS = {"a": "text_link", "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "pre": "pre",
              "u": "underline", "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
              "del": "strikethrough", "span": "spoiler", "tg-spoiler": "spoiler", "code": "code",
              "blockquote": "blockquote", "tg-emoji": "custom_emoji"}
_HTML_TAG = re.compile(r"""<(/?)([^\s>]*)((?:[^>"']|"[^"]*"|'[^']*')*)(>?)""")
_HTML_ATTR = re.compile(r"""([^\s=]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s"']*))?""")
_HTML_ENTITY = re.compile(r"&(?:#x([0-9a-fA-F]*)|#([0-9]*)|([a-zA-Z]*))")
_MD2_OPEN = {"||": "spoiler", "__": "underline", "```": "pre", "![": "custom_emoji", "*": "bold",
             "_": "italic", "~": "strikethrough", "`": "code", "[": "text_link"}
_MD2_CLOSE = {kind: "]" if tok in "![" else tok for tok, kind in _MD2_OPEN.items()}


class ParseError(ValueError):
    """Entity parsing failed; ``str(error)`` is the reason Telegram gives."""


def _u16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _boff(text: str, pos: int) -> int:
    return len(text[:pos].encode("utf-8", "surrogatepass"))


def _entity(kind: str, start: int, end: int, **extra: Any) -> JSON:
    return {"type": kind, "offset": start, "length": end - start, **extra}


def url_problem(url: str) -> str:
    """Why Telegram rejects a URL ("Wrong HTTP URL", "Unsupported URL protocol"...), or "" if it is fine."""
    m = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*)://(.*)", url, re.DOTALL)
    scheme, rest = (m.group(1).lower(), m.group(2)) if m else ("http", url)
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1].split(":")[0]
    good_host = re.fullmatch(r"(?:[\w-]+\.)+[^\W\d_]{2,}|\d{1,3}(?:\.\d{1,3}){3}", host)
    return ("Unsupported URL protocol" if scheme not in ("http", "https", "tg", "ton") else
            "" if not scheme.startswith("http") else "URL host is empty" if not host else
            "" if good_host else "Wrong HTTP URL")


def _valid_url(url: str) -> bool:
    return not url_problem(url)



class _Out:
    """Plain text being produced by a parser, with its length in UTF-16 code units."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.u16 = 0

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.u16 += _u16(s)

    def text(self, since: int = 0) -> str:
        return "".join(self.parts[since:])


def _html_entity(text: str, i: int) -> tuple[str, int] | None:
    """Decode ``&lt; &gt; &amp; &quot; &#NN; &#xNN;`` (';' optional) at i; None: the '&' stays literal."""
    m = _HTML_ENTITY.match(text, i)
    assert m is not None
    hex_digits, dec_digits, name = m.groups()
    if name is not None:
        ch = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(name)
    else:
        digits = hex_digits if hex_digits is not None else dec_digits
        code = int(digits, 16 if hex_digits is not None else 10) if digits and m.end() - i < 10 else 0
        ch = chr(code) if 0 < code < 0x10FFFF and not 0xD800 <= code < 0xE000 else None
    return None if ch is None else (ch, m.end() + text.startswith(";", m.end()))


def _unescape(text: str) -> str:
    out, i = [], 0
    while (k := text.find("&", i)) >= 0:
        ch, j = _html_entity(text, k) or ("&", k + 1)
        out += [text[i:k], ch]
        i = j
    return "".join(out) + text[i:]


def _html_argument(tag: str, attrs: str, off: int) -> str:
    argument = ""
    for m in _HTML_ATTR.finditer(attrs):
        name, value = m[1].lower(), m[2]
        if value is None:
            if name != "expandable":
                raise ParseError(f'Expected equal sign in declaration of an attribute of the tag "{tag}" at '
                                 f"byte offset {off}")
            argument = "expandable" if tag == "blockquote" else argument
        elif value[:1] not in "'\"" and not re.fullmatch(r"[A-Za-z0-9.-]*", value):
            position = off + _boff(attrs, m.start(2)) + 1
            raise ParseError(f"Unexpected end of name token at byte offset {position}")
        else:
            value = _unescape(value[1:-1]) if value[:1] in "'\"" else value.lower()
            prefix = {("a", "href"): "", ("tg-emoji", "emoji-id"): "", ("code", "class"): "language-",
                      ("span", "class"): "tg-"}.get((tag, name))
            argument = value[len(prefix):] if prefix is not None and value.startswith(prefix) else argument
    return argument


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Telegram's HTML parse mode (tdlib's rules): (plain text, entities), or ParseError with the reason."""
    out, stack, entities, i = _Out(), [], [], 0
    while m := re.compile("[<&]").search(text, i):
        out.add(text[i:m.start()])
        i, off = m.start(), _boff(text, m.start())
        if text[i] == "&":
            ch, i = _html_entity(text, i) or ("&", i + 1)
            out.add(ch)
            continue
        tag = _HTML_TAG.match(text, i)
        assert tag is not None
        closing, name, attrs, closed = tag[1], tag[2].lower(), tag[3], tag[4]
        if closing and not stack:
            raise ParseError(f"Unexpected end tag at byte offset {off}")
        if tag.end(2) < len(text) and not closing and name not in _HTML_TAGS:
            raise ParseError(f'Unsupported start tag "{name}" at byte offset {off}')
        if not closed or (closing and attrs.strip(_SPACE)):
            raise ParseError(f"Unclosed {'end' if closing else 'start'} tag at byte offset {off}")
        i = tag.end()
        if closing:
            kind, argument, start = stack.pop()
            if name and name != kind:
                raise ParseError(f'Unmatched end tag at byte offset {off}, expected "</{kind}>", '
                                 f'found "</{name}>"')
            if out.u16 > start:
                entities += _html_close(kind, argument, start, out.u16, entities)
            continue
        argument = _html_argument(name, attrs, off)
        if name == "span" and argument != "spoiler":
            raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {off}')
        stack.append((name, argument, out.u16))
    out.add(text[i:])
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.text(), [{k: v for k, v in e.items() if k != "language" or e["type"] == "pre"}
                        for e in entities]


def _html_close(tag: str, argument: str, start: int, end: int, entities: list[JSON]) -> list[JSON]:
    entity = _entity(_HTML_TAGS[tag], start, end)
    last = entities[-1] if entities else {}
    if tag == "a":
        return [{**entity, "url": argument}] if _valid_url(argument) else []  # bad links are dropped silently
    span = [last.get("offset"), last.get("length")]
    if tag == "pre" and last.get("type") == "code" and span == [start, end - start]:
        entity.update({"language": entities.pop()["language"]} if "language" in last else {})
    elif tag == "code" and argument:
        entity["language"] = argument  # kept only when the code is the whole content of a <pre>
    elif tag == "blockquote" and argument:
        entity["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        if not argument.isdigit() or int(argument) >= 2**63:
            raise ParseError("Invalid custom emoji identifier specified")
        entity["custom_emoji_id"] = argument
    return [entity]


def parse_markdown_v2(text: str) -> tuple[str, list[JSON]]:
    """Telegram's MarkdownV2: reserved characters, nesting, links, code/pre (blockquotes are not entities)."""
    out, stack, entities, i, n = _Out(), [], [], 0, len(text)
    while i < n:
        c, top = text[i], stack[-1][0] if stack else ""
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
        elif (top in ("code", "pre") and c != "`") or c not in "_*[]()~`>#+-=|{}.!":
            out.add(c)
            i += 1
        elif c == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1
        elif top and text.startswith(_MD2_CLOSE[top], i) and (top != "italic" or text[i + 1:i + 2] != "_"):
            kind, start, _, since, extra = stack.pop()
            i += len(_MD2_CLOSE[kind])
            if kind in ("text_link", "custom_emoji"):
                url, i = _md2_url(text, i, out.text(since))
                extra = {"url": url} if kind == "text_link" else {"custom_emoji_id": url.rpartition("id=")[2]}
            if out.u16 > start and _valid_url(extra.get("url", "t.me")):
                entities.append(_entity(kind, start, out.u16, **extra))
        else:
            tok = next((t for t in _MD2_OPEN if text.startswith(t, i)), "")
            if not tok:
                raise ParseError(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
            m = re.compile(r"([^\s`]*)\n").match(text, i + 3) if tok == "```" else None
            stack.append((_MD2_OPEN[tok], out.u16, _boff(text, i), len(out.parts),
                          {"language": m[1]} if m and m[1] else {}))
            i = m.end() if m else i + len(tok)
    if stack:
        kind, _, off, _, _ = stack[-1]
        name = {"text_link": "TextUrl", "custom_emoji": "CustomEmoji"}.get(kind, kind.capitalize())
        raise ParseError(f"Can't find end of {name} entity at byte offset {off}")
    return out.text(), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


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


def parse_markdown(text: str) -> tuple[str, list[JSON]]:
    """Telegram's legacy Markdown: *bold* _italic_ `code` ```pre``` [text](url), without nesting."""
    out, entities, i = _Out(), [], 0
    while m := re.compile(r"\\[_*`\[]|[_*`\[]").search(text, i):
        out.add(text[i:m.start()])
        c, i = m[0][-1], m.start()
        if len(m[0]) == 2:
            out.add(c)
            i += 2
            continue
        tok = "```" if text.startswith("```", i) else "]" if c == "[" else c
        j = text.find(tok, i + len(tok))
        if j < 0:
            raise ParseError(f"Can't find end of the entity starting at byte offset {_boff(text, i)}")
        start, url = out.u16, ""
        out.add(re.sub(r"\A[^\s`]*\n", "", text[i + 3:j]) if tok == "```" else text[i + 1:j])  # language
        i = j + len(tok)
        if c == "[" and text.startswith("(", i) and (k := text.find(")", i)) > 0:
            url, i = text[i + 1:k], k + 1
        kind = {"*": "bold", "_": "italic", "[": "text_link"}.get(c, "pre" if tok == "```" else "code")
        if out.u16 > start and (c != "[" or _valid_url(url)):
            entities.append(_entity(kind, start, out.u16, **({"url": url} if c == "[" else {})))
    out.add(text[i:])
    return out.text(), entities


_PARSERS: dict[str, Callable[[str], tuple[str, list[JSON]]]] = {
    "html": parse_html, "markdownv2": parse_markdown_v2, "markdown": parse_markdown}
