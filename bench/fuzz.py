"""Fuzz the HTTP API with schemathesis (issue 14): 0 responses with status 5xx.

Starts a private stack (embedded Redis + the API, no worker: the fuzzer only exercises the HTTP layer;
submitted articles just wait in the queue) on a free port with a temporary NEWSFLOW_DATA_DIR, twice:

1. ``NEWSFLOW_AUTH=off``;
2. ``NEWSFLOW_AUTH=required`` with an admin key (scopes submit,read,admin) sent as ``Authorization: Bearer``.

Each pass runs ``schemathesis run <api>/openapi.json --checks all --generation-allow-x00 true`` (all phases,
``--max-examples`` per operation) with a HAR report; every request/response in the HAR counts as a case. Then a
hand-written probe set adds what the generator rarely produces: deeply nested JSON (40 … 100,000 levels), NUL
bytes in every text field, malformed / huge bodies. Prints cases and 5xx per pass and exits 1 on any 5xx.

    PYTHONPATH=$PWD nice .venv/bin/python bench/fuzz.py [--max-examples 100] [--seed 14] [--keep DIR]

Needs the ``fuzz`` extra (``pip install -e .[fuzz]``). Other schemathesis check failures (schema conformance …)
are printed in its summary but do not fail this script; only 5xx does.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared.config import Settings  # noqa: E402
from shared.redis_server import free_port  # noqa: E402


def _schemathesis() -> str:
    exe = Path(sys.executable).with_name("schemathesis")
    if exe.exists():
        return str(exe)
    found = shutil.which("schemathesis")
    if not found:
        sys.exit("bench/fuzz.py: schemathesis is not installed (pip install -e .[fuzz])")
    return found


def _nested(depth: int) -> str:
    """JSON text of ``depth`` alternately nested objects and arrays (a string: json.dumps would recurse)."""
    opens = "".join('{"a":' if i % 2 == 0 else "[" for i in range(depth))
    closes = "".join("}" if i % 2 == 0 else "]" for i in reversed(range(depth)))
    return opens + '"x"' + closes


def _probes() -> list[tuple[str, str, bytes, str]]:
    """(method, path, body, content type): bodies the generator rarely produces."""
    article = {"title": "T\x00itle", "text": "Body\x00 text " * 20, "url": "https://example.com/a\x00b",
               "source": "s\x00", "language": "e\x00n"}
    out: list[tuple[str, str, bytes, str]] = []
    js = "application/json"
    for depth in (40, 1000, 100_000):
        deep = _nested(depth)
        out.append(("POST", "/v1/articles", ('{"title": "t", "text": "x", "meta": %s}' % deep).encode(), js))
        out.append(("POST", "/v1/articles/batch", ('[{"title": "t", "text": "x", "extra": %s}]' % deep).encode(), js))
        out.append(("POST", "/v1/articles", deep.encode(), js))
        out.append(("POST", "/v1/articles", ("[" * depth + "]" * depth).encode(), js))
        out.append(("POST", "/v1/articles", ("[" * depth).encode(), js))
    out.append(("POST", "/v1/articles", json.dumps(article).encode(), js))
    out.append(("POST", "/v1/articles", json.dumps([article] * 3).encode(), js))
    out.append(("POST", "/v1/articles", b"\x00" * 100, js))
    out.append(("POST", "/v1/articles", b'{"title": "a", "text": "\\u0000\\ud800"}', js))
    out.append(("POST", "/v1/articles", b"\xff\xfe\x00garbage", js))
    out.append(("POST", "/v1/articles", b"<html><body>\x00<p>hi</p></body></html>", "text/html"))
    out.append(("POST", "/v1/articles", b"\x00\x01\x02", "application/x-ndjson"))
    out.append(("POST", "/v1/articles", b"{}\n\x00\n[]\n", "application/x-ndjson"))
    out.append(("POST", "/v1/articles", b"", js))
    out.append(("GET", "/v1/articles/%00", b"", js))
    out.append(("GET", "/v1/articles?limit=%00&cursor=%00", b"", js))
    out.append(("GET", "/v1/articles/" + "a" * 10_000, b"", js))
    return out


async def _run_probes(base: str, headers: dict[str, str]) -> tuple[int, list[str]]:
    bad: list[str] = []
    statuses: Counter[int] = Counter()
    probes = _probes()
    async with aiohttp.ClientSession(headers=headers) as session:
        for method, path, body, ctype in probes:
            hdrs = {"Content-Type": ctype} if body else {}
            async with session.request(method, base + path, data=body or None, headers=hdrs) as resp:
                text = await resp.text(errors="replace")
                statuses[resp.status] += 1
                if resp.status >= 500:
                    bad.append(f"{resp.status} {method} {path[:60]} ({len(body)} bytes): {text[:200]}")
    print(f"probes (deep nesting, NUL bytes, malformed bodies): statuses {dict(sorted(statuses.items()))}", flush=True)
    return len(probes), bad


def _not_ready(url: str, status: int, body: str) -> bool:
    """/readyz answering 503 not_ready: correct here, since this stack runs no worker (counted apart)."""
    return status == 503 and url.split("?")[0].endswith("/readyz") and '"not_ready"' in body


def _read_har(path: Path) -> tuple[int, list[str], int]:
    if not path.exists():
        return 0, [f"no HAR report at {path}"], 0
    entries = json.loads(path.read_text())["log"]["entries"]
    bad, not_ready = [], 0
    for e in entries:
        status = e["response"]["status"]
        if _not_ready(e["request"]["url"], status, (e["response"].get("content") or {}).get("text", "")):
            not_ready += 1
        elif status >= 500:
            req = e["request"]
            body = (req.get("postData") or {}).get("text", "")
            bad.append(f"{status} {req['method']} {req['url']} body={body[:200]!r} "
                       f"→ {(e['response'].get('content') or {}).get('text', '')[:200]!r}")
    return len(entries), bad, not_ready


async def _key(redis_url: str) -> str:
    import redis.asyncio as aioredis

    from shared.store.apikeys import ApiKeyStore

    client = aioredis.Redis.from_url(redis_url)
    try:
        _, key = await ApiKeyStore(client).create("fuzz", ["submit", "read", "admin"])
    finally:
        await client.aclose()
    return key


async def _pass(name: str, auth: str, args: argparse.Namespace, workdir: Path) -> tuple[int, list[str]]:
    from services.app import create_app
    from shared.supervise import serve

    data = workdir / name
    data.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "NEWSFLOW_API_KEY")}
    env.update(NEWSFLOW_DATA_DIR=str(data), NEWSFLOW_AUTH=auth, NEWSFLOW_PORT=str(free_port()),
               NEWSFLOW_HOST="127.0.0.1")
    settings = Settings.from_env(env)
    async with serve(settings, create_app) as stack:
        base = stack.api_url.rstrip("/")
        headers: dict[str, str] = {}
        if auth == "required":
            headers["Authorization"] = f"Bearer {await _key(stack.redis_url)}"
        har = data / "fuzz.har"
        cmd = [_schemathesis(), "run", f"{base}/openapi.json", "--checks", "all",
               "--max-examples", str(args.max_examples), "--seed", str(args.seed),
               "--generation-allow-x00", "true", "--workers", str(args.workers),
               "--report", "har", "--report-har-path", str(har), "--no-color",
               "--suppress-health-check", "all", "--generation-database", "none"]
        for k, v in headers.items():
            cmd += ["--header", f"{k}: {v}"]
        print(f"\n=== pass {name} (NEWSFLOW_AUTH={auth}) against {base}", flush=True)
        shown = [c if not c.startswith("Authorization") else "Authorization: Bearer <admin key>" for c in cmd]
        print("$ " + " ".join(shown), flush=True)
        proc = await asyncio.create_subprocess_exec(*cmd, stdout=None if args.verbose else asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.STDOUT,
                                                    cwd=data)  # its .schemathesis cache goes there
        out, _ = await proc.communicate()
        if out is not None:
            text = out.decode(errors="replace")
            summary = text[text.rfind("=" * 10 + " SUMMARY"):] if "SUMMARY" in text else text[-4000:]
            print(summary.strip()[-6000:], flush=True)
        print(f"schemathesis exit code {proc.returncode}", flush=True)
        cases, bad, not_ready = _read_har(har)
        if headers:  # the stateful phase lists keys and revokes them, the admin key included: a fresh one
            headers["Authorization"] = f"Bearer {await _key(stack.redis_url)}"
        probe_cases, probe_bad = await _run_probes(base, headers)
    print(f"pass {name}: {cases} schemathesis cases, {probe_cases} probes, {len(bad) + len(probe_bad)} 5xx "
          f"(besides {not_ready} × 503 not_ready from /readyz: this stack runs no worker)", flush=True)
    return cases + probe_cases, bad + probe_bad


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-examples", type=int, default=100, help="schemathesis examples per operation (default 100)")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--workers", default="2")
    ap.add_argument("--passes", default="off,required", help="auth modes to run (default off,required)")
    ap.add_argument("--keep", type=Path, default=None, help="keep data dirs and HAR reports here")
    ap.add_argument("--verbose", action="store_true", help="show schemathesis' full output")
    args = ap.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="newsflow-fuzz-"))
    total, bad = 0, []
    try:
        for auth in args.passes.split(","):
            cases, errors = await _pass(f"auth-{auth}", auth, args, workdir)
            total += cases
            bad += errors
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    for line in bad[:50]:
        print("5xx:", line)
    print(f"\nTOTAL: {total} cases, {len(bad)} responses with status 5xx")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
