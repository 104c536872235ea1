"""The Lua scripts (``lua/*.lua``) and how they are called.

Every script but one takes its named arguments as ONE JSON object in ``ARGV[1]`` (``cjson.decode`` in
Lua); ``KEYS`` carry the keys known up front. The exception is the intake's ``submit``, the hot path:
its arguments are positional (``Script.argv`` names them in order) and its constants (key prefixes)
are part of its source, so Redis decodes no JSON (~15 µs a call with a 4 KB article inside), the
article's JSON text is not escaped into another JSON document on the Python side (~1.5 µs), and a
call has 14 named arguments besides its keys, and after them the status fields a new revision's run
drops (``RUN_FIELDS`` of ``shared/store/status.py``, spread: ``Script.rest``). Values that end up stored in Redis are passed as strings,
exactly as redis-py would have sent them (:func:`redis_str`), so Lua never turns a number into text
(Lua would print a double with ``%.17g``) and nothing stored changes with the calling convention.
The queued job record is JSON text (``shared/store/queue.py``) and travels as a string, stored as it
is (it used to be a pickle, hex-encoded and decoded in Lua: 35 µs of the submit script). JSON
``null`` would arrive as ``cjson.null``: arguments never hold ``None``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping, Sequence

import orjson
from redis.exceptions import NoScriptError

from .. import keys as K

LUA_DIR = Path(__file__).with_name("lua")


def encode_args(args: Mapping[str, Any]) -> bytes:
    """The one JSON argument of a script call."""
    if None in args.values():
        raise ValueError(f"script argument is None: {sorted(k for k, v in args.items() if v is None)}")
    return orjson.dumps(args)


def redis_str(value: Any) -> str:
    """A value as the text redis-py would send for it (``repr`` of numbers, bytes as UTF-8)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, bool):
        raise TypeError("bool is not a Redis value")
    if isinstance(value, (int, float)):
        return repr(value)
    raise TypeError(f"not a Redis value: {type(value).__name__}")


def as_str(value: Any) -> str:
    """A Redis reply value as text."""
    return value.decode() if isinstance(value, bytes) else str(value)


def lua_constants(constants: Mapping[str, str]) -> str:
    """A Lua line that defines ``constants`` as locals (plain ASCII text values)."""
    for value in constants.values():
        if not value.isascii() or any(c in value for c in "'\\\n\r"):
            raise ValueError(f"not a plain Lua string: {value!r}")
    names, values = ", ".join(constants), ", ".join(f"'{v}'" for v in constants.values())
    return f"local {names} = {values}\n"


class Script:
    """A Lua script run by EVALSHA (falls back to EVAL once, which loads it). ``argv``: the script
    takes its arguments positionally, these named ones in this order (instead of one JSON argument);
    ``rest``: the name of a sequence of strings spread over the ARGV after them.
    ``constants``: Lua locals put before the script's text (key prefixes: not sent with every call)."""

    def __init__(self, name: str, argv: Sequence[str] = (), constants: Mapping[str, str] | None = None,
                 rest: str | None = None) -> None:
        self.name = name
        self.text = (LUA_DIR / f"{name}.lua").read_text()
        self.source = (lua_constants(constants) if constants else "") + self.text
        self.sha = hashlib.sha1(self.source.encode()).hexdigest()
        self.argv = tuple(argv)
        self.rest = rest

    def arguments(self, args: Mapping[str, Any]) -> list[Any]:
        """The ARGV of a call."""
        if not self.argv:
            return [encode_args(args)]
        out = [args[name] for name in self.argv]
        if self.rest is not None:
            out += list(args[self.rest])
        if None in out:
            raise ValueError(f"script argument is None: {sorted(k for k, v in args.items() if v is None)}")
        return out

    async def __call__(self, redis: Any, keys: Sequence[Any], args: Mapping[str, Any]) -> Any:
        argv = self.arguments(args)
        try:
            return await redis.evalsha(self.sha, len(keys), *keys, *argv)
        except NoScriptError:
            return await redis.eval(self.source, len(keys), *keys, *argv)

    def queue(self, pipe: Any, keys: Sequence[Any], args: Mapping[str, Any]) -> None:
        """Add the call to a pipeline (EVALSHA only: load the scripts first)."""
        pipe.evalsha(self.sha, len(keys), *keys, *self.arguments(args))


# the order is the one the script's first line unpacks (lua/submit.lua)
SUBMIT = Script("submit", argv=("id", "article", "job", "queue_score", "score", "max_depth", "received_at", "content",
                                "content_sha256", "keep", "url_key", "url_digest", "url_entry", "meta"),
                rest="run_fields",
                constants={"job_prefix": K.ARQ_JOB_PREFIX, "sp": K.status(""), "ip": K.STATUS_INDEX_PREFIX,
                           "failed_key": K.FAILED, "urls_prefix": K.urls(""), "wake": K.WAKE})
SET_STATUS = Script("set_status")
REQUEUE = Script("requeue")
SAVE_DOCUMENT = Script("save_document")
DELETE = Script("delete")
ENTITY_GROUPS = Script("entity_groups")
AUTHENTICATE = Script("authenticate")
ALL_SCRIPTS = (SUBMIT, SET_STATUS, REQUEUE, SAVE_DOCUMENT, DELETE, ENTITY_GROUPS, AUTHENTICATE)
