"""The scripts' calling convention: one JSON argument of named values (positional ones for ``submit``, the hot
path), stored values as redis-py would send them."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone

import orjson
import pytest
from redis._parsers.encoders import Encoder

from shared import keys as K
from shared.ids import dedupe_keys
from shared.store import ALL_SCRIPTS
from shared.store.intake import submit_call
from shared.store.scripts import LUA_DIR, REQUEUE, SUBMIT, encode_args, lua_constants, redis_str
from shared.store.status import RUN_FIELDS, status_args

pytestmark = pytest.mark.unit

ENCODER = Encoder("utf-8", "strict", False)


@pytest.mark.parametrize("value", [0, 7, -3, 2**53, 1764650000123456, 0.1, 12.5, 1e-7, 1e22, "text", "ü ☃",
                                   b"bytes", "ü".encode()])
def test_redis_str_is_what_redis_py_sends(value):
    assert redis_str(value).encode() == ENCODER.encode(value)


@pytest.mark.parametrize("value", [True, None, [1], {"a": 1}])
def test_redis_str_refuses_non_values(value):
    with pytest.raises(TypeError):
        redis_str(value)


def test_encode_args_refuses_null():
    with pytest.raises(ValueError, match="b"):
        encode_args({"a": "x", "b": None})
    assert orjson.loads(encode_args({"a": "x", "n": [1, {"k": "v"}]})) == {"a": "x", "n": [1, {"k": "v"}]}


def _code(script) -> str:
    return "\n".join(line.split("--", 1)[0] for line in script.source.splitlines())


def test_every_script_but_submit_is_called_with_one_json_argument():
    assert {s.name for s in ALL_SCRIPTS} == {p.stem for p in LUA_DIR.glob("*.lua")}
    for script in ALL_SCRIPTS:
        assert script.sha == hashlib.sha1(script.source.encode()).hexdigest()
        if script is SUBMIT:
            continue
        code = _code(script)
        assert not script.argv and code.count("cjson.decode(ARGV[1])") == 1, script.name
        assert re.findall(r"ARGV\b(?!\[1\])", code) == [], script.name


def test_submit_unpacks_its_positional_arguments_in_the_order_python_sends_them():
    code = _code(SUBMIT)
    assert "cjson.decode(ARGV" not in code
    unpacked = re.search(r"local ([\w,\s]+?) = unpack\(ARGV, 1, (\d+)\)", code)
    names = [n.strip() for n in unpacked.group(1).split(",")]
    assert int(unpacked.group(2)) == len(names) == len(SUBMIT.argv) and names == list(SUBMIT.argv)
    # the unpack, and the rest after the named ones (the run fields), nothing else
    assert re.findall(r"ARGV\b.*", code) == ["ARGV, 1, 14)", f"ARGV, {len(SUBMIT.argv) + 1})}}"]


def test_the_scripts_drop_the_run_fields_status_py_names_and_no_others():
    """RUN_FIELDS (shared/store/status.py) is the one list: submit and requeue get it as arguments and name
    none of those fields themselves (they used to write the list out again)."""
    for script in (SUBMIT, REQUEUE):
        for field in RUN_FIELDS:
            assert f"'{field}'" not in _code(script), (script.name, field)
    assert SUBMIT.rest == "run_fields" and submit_call({"text": "x"}, 1764650000.5, 3)[1]["run_fields"] == RUN_FIELDS
    assert SUBMIT.arguments(submit_call({"text": "x"}, 1764650000.5, 3)[1])[len(SUBMIT.argv):] == list(RUN_FIELDS)


def test_submit_constants_come_first_in_its_source():
    first, rest = SUBMIT.source.split("\n", 1)
    assert rest == SUBMIT.text and SUBMIT.sha == hashlib.sha1(SUBMIT.source.encode()).hexdigest()
    assert first == (f"local job_prefix, sp, ip, failed_key, urls_prefix, wake = '{K.ARQ_JOB_PREFIX}', "
                     f"'{K.status('')}', '{K.STATUS_INDEX_PREFIX}', '{K.FAILED}', '{K.urls('')}', '{K.WAKE}'")
    with pytest.raises(ValueError):
        lua_constants({"x": "it's"})


def test_submit_arguments_are_flat_and_refuse_null():
    keys, args = submit_call({"text": "x", "url": "https://a.example/b"}, 1764650000.5, 10)
    argv = SUBMIT.arguments(args)
    assert argv == [args[n] for n in SUBMIT.argv] + list(args["run_fields"])
    assert all(isinstance(v, (str, bytes, int)) and not isinstance(v, bool) for v in argv)
    with pytest.raises(ValueError, match="url_key"):
        SUBMIT.arguments({**args, "url_key": None})


def test_submit_call():
    article = {"text": "Body ☃.", "title": "T", "url": "https://x.example/a", "external_id": "e-1", "source": "",
               "published_at": None, "metadata": {"n": None}}
    now = 1764650000.1234567
    keys, args = submit_call(article, now, -5)
    ids = dedupe_keys(article)
    doc_id = args["id"]
    assert doc_id == ids["ext"]
    assert keys == [K.article(doc_id), K.status(doc_id), K.ARQ_QUEUE, K.IDX_TIME, K.dedupe("ext", ids["ext"]),
                    K.dedupe("content", ids["content"]), K.revisions(doc_id), K.urls(doc_id)]
    assert args["url_key"] == K.dedupe("url", ids["url"]) and args["content"] == ids["content"]
    assert args["max_depth"] == 0
    assert orjson.loads(args["article"]) == article
    received = datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert args["received_at"] == received and args["score"] == str(int(now * 1e6))
    assert orjson.loads(args["meta"]) == {"title": "T", "url": "https://x.example/a", "external_id": "e-1"}
    assert submit_call({"text": "x"}, now, 3)[1]["meta"] == ""
    assert submit_call({"text": "x"}, now, 3)[1]["max_depth"] == 3
    assert None not in args.values()


def test_status_args_store_structures_as_json_and_numbers_as_redis_py_does():
    args = status_args("d", "failed", {"attempts": 3, "error": {"type": "E", "n": None}, "at": "t", "ms": 1.5},
                       ("retry_at",), "", 1764650000.5)
    assert args["fields"] == ["attempts", "3", "error", '{"type":"E","n":null}', "at", "t", "ms", "1.5"]
    assert args["delete"] == ["retry_at"] and args["now_score"] == "1764650000500000"
    assert orjson.loads(encode_args(args)) == args
