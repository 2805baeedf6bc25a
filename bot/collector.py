"""The cyclic garbage collector, held while a `resobot` command starts.

Opening the pipeline imports Chroma, LangChain, pydantic and their models: about a million objects, nearly
all of which live until the process ends. While they load, the collector walks them again and again (every
700 allocations, and the whole heap every so often), and once more when the interpreter exits: about a
fifth of a one-shot `resobot ask` (benchmarks/bench_cli.py). So the console script holds the collector
(`hold`) and, once the pipeline is open, freezes what the start created (`gc.freeze`: never examined again,
never freed, as it would not have been) and turns the collector back on (`release`) for what follows: a
chat, an evaluation, the Telegram bot. Reference counting frees everything else as usual meanwhile; a
command that opens no pipeline is short and ends with the collector still held.

Only the console script holds it (bot/cli.py `main`): code that imports `bot.cli`, the tests among it,
keeps its collector as it is.
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    """Turn the collector off until `release` (the start of a command)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """The start is over: freeze what it created and turn the collector back on, if `hold` turned it off."""
    global _held
    if _held:
        gc.freeze()
        gc.enable()
        _held = False
