"""``newsflow``: run, feed and query the service.

    newsflow up                 Redis (embedded unless REDIS_URL) + API + one worker; ingest seeds/; serve
    newsflow api                the HTTP API only
    newsflow worker             one arq worker (needs REDIS_URL)
    newsflow submit PATH...|-   send articles (JSON, NDJSON, .txt, .html, stdin) to the API; --wait
    newsflow analyze            NDJSON articles on stdin → NDJSON documents on stdout, no Redis
    newsflow status ID          processing status of an article
    newsflow get ID             the stored document

Every subcommand has ``--help``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Sequence

import orjson

from shared.redis_server import terminate_process

ROOT = Path(__file__).resolve().parent
SEEDS_DIR = ROOT / "seeds"
BATCH_LIMIT = 1000


def _setup_logging(verbose: bool = False, quiet: bool = False) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s", stream=sys.stderr)


def _settings(args: argparse.Namespace | None = None) -> Any:
    from shared.config import Settings

    overrides: dict[str, Any] = {}
    if args is not None:
        for name in ("host", "port"):
            value = getattr(args, name, None)
            if value is not None:
                overrides[name] = value
    return Settings.from_env(**overrides)


def default_api_url() -> str:
    if os.environ.get("NEWSFLOW_API_URL"):
        return os.environ["NEWSFLOW_API_URL"].rstrip("/")
    host = os.environ.get("NEWSFLOW_HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{os.environ.get('NEWSFLOW_PORT') or 8080}"


# ================================================================================ reading inputs

class InputError(ValueError):
    pass


def _json_articles(data: bytes, name: str) -> list[Any]:
    """A JSON object, a JSON array, or NDJSON."""
    stripped = data.strip()
    if not stripped:
        return []
    try:
        obj = orjson.loads(stripped)
    except orjson.JSONDecodeError:
        items = []
        for n, line in enumerate(stripped.splitlines(), 1):
            if line.strip():
                try:
                    items.append(orjson.loads(line))
                except orjson.JSONDecodeError as exc:
                    raise InputError(f"{name}: line {n} is not valid JSON ({exc})") from None
        return items
    return obj if isinstance(obj, list) else [obj]


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 ({exc})") from None


def read_articles(path: str, stdin: Any = None) -> list[Any]:
    """Articles from one input: ``-`` (stdin, sniffed), .json/.ndjson/.jsonl, .txt, .html/.htm."""
    if path == "-":
        data = (stdin or sys.stdin.buffer).read()
        name, suffix = "<stdin>", ""
    else:
        p = Path(path)
        if not p.is_file():
            raise InputError(f"{path}: no such file")
        data = p.read_bytes()
        name, suffix = path, p.suffix.lower()
    if suffix in (".json", ".ndjson", ".jsonl"):
        return _json_articles(data, name)
    if suffix in (".html", ".htm"):
        return [{"html": _decode(data, name), "metadata": {"file": Path(path).name}}]
    if suffix == ".txt":
        return [{"text": _decode(data, name), "metadata": {"file": Path(path).name}}]
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        return _json_articles(data, name)
    text = _decode(data, name)
    if text.lstrip()[:1] == "<":
        return [{"html": text}]
    return [{"text": text}] if text.strip() else []


# ================================================================================ HTTP client

async def _request(session: Any, method: str, url: str, **kw: Any) -> tuple[int, Any]:
    async with session.request(method, url, **kw) as resp:
        body = await resp.read()
        try:
            return resp.status, orjson.loads(body) if body else None
        except orjson.JSONDecodeError:
            return resp.status, {"error": {"code": "bad_response", "message": body[:200].decode(errors="replace")}}


async def submit_articles(api: str, articles: Sequence[Any], session: Any = None) -> list[dict[str, Any]]:
    """POST articles (one → /v1/articles, more → /v1/articles/batch in chunks); one result per article,
    ``{"index", "result": accepted|duplicate|rejected, "id"?, "status"?, "error"?}``, in input order."""
    import aiohttp

    own = session is None
    session = session or aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300))
    results: list[dict[str, Any]] = []
    try:
        if len(articles) == 1:
            status, body = await _request(session, "POST", f"{api}/v1/articles", json=articles[0])
            if status in (200, 202):
                results.append({"index": 0, "result": "duplicate" if body.get("duplicate") else "accepted",
                                "id": body["id"], "status": body.get("status")})
            else:
                results.append({"index": 0, "result": "rejected", "http_status": status,
                                "error": (body or {}).get("error")})
            return results
        for start in range(0, len(articles), BATCH_LIMIT):
            part = list(articles[start:start + BATCH_LIMIT])
            status, body = await _request(session, "POST", f"{api}/v1/articles/batch", data=orjson.dumps(part),
                                          headers={"Content-Type": "application/json"})
            if status == 429 and isinstance(body, dict):  # every item refused: the queue is full
                body = (body.get("error") or {}).get("details") or body
            if status not in (200, 202, 429) or not isinstance(body, dict) or "items" not in body:
                err = (body or {}).get("error") if isinstance(body, dict) else None
                results += [{"index": start + i, "result": "rejected", "http_status": status, "error": err}
                            for i in range(len(part))]
                continue
            for item in body["items"]:
                results.append({**item, "index": start + int(item.get("index", 0))})
        return results
    finally:
        if own:
            await session.close()


async def wait_for(api: str, ids: Sequence[str], timeout: float = 600.0, progress: bool = True,
                   interval: float = 0.25, session: Any = None) -> dict[str, dict[str, Any]]:
    """Poll the status of ``ids`` until each is done or failed (or ``timeout``); last status per id."""
    import aiohttp

    own = session is None
    session = session or aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
    pending = list(dict.fromkeys(ids))
    final: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    last_line = ""
    try:
        while pending and time.monotonic() < deadline:
            statuses = await asyncio.gather(
                *(_request(session, "GET", f"{api}/v1/articles/{i}/status") for i in pending))
            still: list[str] = []
            for doc_id, (code, body) in zip(pending, statuses):
                if code == 200 and isinstance(body, dict) and body.get("status") in ("done", "failed"):
                    final[doc_id] = body
                else:
                    final[doc_id] = body if isinstance(body, dict) else {"status": "unknown"}
                    still.append(doc_id)
            pending = still
            if progress:
                counts: dict[str, int] = {}
                for st in final.values():
                    counts[st.get("status") or "unknown"] = counts.get(st.get("status") or "unknown", 0) + 1
                line = "  ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                if line != last_line:
                    print(f"[{len(final) - len(pending)}/{len(final)} finished] {line}", file=sys.stderr, flush=True)
                    last_line = line
            if pending:
                await asyncio.sleep(interval)
        return final
    finally:
        if own:
            await session.close()


# ================================================================================ subcommands

def cmd_submit(args: argparse.Namespace) -> int:
    articles: list[Any] = []
    try:
        for path in args.paths:
            articles += read_articles(path)
    except InputError as exc:
        print(f"newsflow submit: {exc}", file=sys.stderr)
        return 2
    if not articles:
        print("newsflow submit: no articles in the input", file=sys.stderr)
        return 2
    return asyncio.run(_submit(args, articles))


async def _submit(args: argparse.Namespace, articles: list[Any]) -> int:
    import aiohttp

    try:
        results = await submit_articles(args.api, articles)
    except aiohttp.ClientError as exc:
        print(f"newsflow submit: cannot reach the API at {args.api}: {exc}", file=sys.stderr)
        return 3
    ok = True
    for r in results:
        if r["result"] == "rejected":
            ok = False
            err = r.get("error") or {}
            print(f"#{r['index']}\trejected\t{err.get('code', '')}: {err.get('message', '')}"
                  f"{' ' + orjson.dumps(err.get('details')).decode() if err.get('details') else ''}")
        else:
            print(f"#{r['index']}\t{r['result']}\t{r['id']}\t{r.get('status') or ''}")
    ids = [r["id"] for r in results if r.get("id")]
    if args.wait and ids:
        final = await wait_for(args.api, ids, timeout=args.timeout, progress=not args.quiet)
        for doc_id in dict.fromkeys(ids):
            st = final.get(doc_id, {})
            err = st.get("error")
            msg = f"\t{err.get('message') if isinstance(err, dict) else err}" if err else ""
            print(f"{doc_id}\t{st.get('status', 'unknown')}{msg}")
            if st.get("status") != "done":
                ok = False
    return 0 if ok else 1


def cmd_show(args: argparse.Namespace) -> int:
    return asyncio.run(_show(args))


async def _show(args: argparse.Namespace) -> int:
    import aiohttp

    path = f"/v1/articles/{args.id}" + ("/status" if args.command == "status" else "")
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            code, body = await _request(session, "GET", args.api + path)
    except aiohttp.ClientError as exc:
        print(f"newsflow {args.command}: cannot reach the API at {args.api}: {exc}", file=sys.stderr)
        return 3
    sys.stdout.buffer.write(orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n")
    return 0 if code == 200 else 1


def cmd_analyze(args: argparse.Namespace) -> int:
    from workers import analyze

    _setup_logging(quiet=True)
    if not _extractor_ok(_settings(), "analyze"):
        return 3
    try:
        analyze.run(sys.stdin.buffer, sys.stdout.buffer, jobs=args.jobs, chunk_size=args.chunk_size)
    except BrokenPipeError:  # e.g. `| head`
        with contextlib.suppress(Exception):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from workers.run import serve_worker

    _setup_logging(args.verbose)
    settings = _settings()
    if args.concurrency:
        settings = settings.with_(worker_concurrency=args.concurrency)
    if not settings.redis_url:
        print("newsflow worker: set REDIS_URL to the Redis the API uses (or run `newsflow up`)", file=sys.stderr)
        return 2
    if not _extractor_ok(settings, "worker"):
        return 3
    asyncio.run(serve_worker(settings, settings.redis_url))
    return 0


def _extractor_ok(settings: Any, command: str) -> bool:
    """The worker's start-up check of the HTML extractor, said on stderr before anything starts."""
    from shared.extractor import ExtractorUnavailable, require_extractor

    try:
        require_extractor(settings.html_fallback)
    except ExtractorUnavailable as exc:
        print(f"newsflow {command}: {exc}", file=sys.stderr)
        return False
    return True


def cmd_api(args: argparse.Namespace) -> int:
    _setup_logging(args.verbose)
    return asyncio.run(_api(args))


async def _api(args: argparse.Namespace) -> int:
    from shared.redis_server import resolve_redis_url_async

    settings = _settings(args)
    url, server = await resolve_redis_url_async(settings)
    if server is not None:
        print(f"embedded Redis at {url} (data in {settings.redis_dir}); "
              f"start workers with: REDIS_URL={url} newsflow worker", flush=True)
    try:
        runner, base = await _start_api(settings.with_(redis_url=url), explicit_port=args.port is not None)
        print(f"API at {base}  (docs {base}/docs, metrics {base}/metrics)", flush=True)
        await _until_signal()
        await runner.cleanup()
    finally:
        if server is not None:
            server.stop()
    return 0


async def _start_api(settings: Any, explicit_port: bool = True) -> tuple[Any, str]:
    """Start the aiohttp app; when the default port is taken (and none was asked for), use a free one."""
    from aiohttp import web

    from services.app import create_app
    from shared.redis_server import free_port

    runner = web.AppRunner(create_app(settings), access_log=None)
    await runner.setup()
    port = settings.port
    try:
        site = web.TCPSite(runner, settings.host, port)
        await site.start()
    except OSError as exc:
        if explicit_port or os.environ.get("NEWSFLOW_PORT"):
            await runner.cleanup()
            raise SystemExit(f"cannot listen on {settings.host}:{port}: {exc}") from None
        port = free_port()
        print(f"port {settings.port} is busy; using {port} (set NEWSFLOW_PORT to choose)", file=sys.stderr)
        site = web.TCPSite(runner, settings.host, port)
        await site.start()
    if port == 0:  # an OS-chosen port: read it back
        port = runner.addresses[0][1]
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return runner, f"http://{host}:{port}"


async def _until_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def start_worker_process(redis_url: str, log_path: Path | None = None, env: dict[str, str] | None = None,
                         extra_args: Iterable[str] = ()) -> subprocess.Popen[bytes]:
    """``newsflow worker`` as a child process (own process group, so a terminal's Ctrl-C reaches us only)."""
    full_env = {**os.environ, **(env or {}), "REDIS_URL": redis_url, "PYTHONUNBUFFERED": "1"}
    out: Any = subprocess.DEVNULL
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        out = open(log_path, "ab")  # noqa: SIM115 - handed to the child
    try:
        return subprocess.Popen([sys.executable, "-m", "cli", "worker", *extra_args], env=full_env, cwd=str(ROOT),
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    finally:
        if out is not subprocess.DEVNULL:
            out.close()


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    terminate_process(proc, timeout)


def cmd_up(args: argparse.Namespace) -> int:
    _setup_logging(quiet=not args.verbose)
    if not _extractor_ok(_settings(args), "up"):
        return 3
    return asyncio.run(_up(args))


async def _up(args: argparse.Namespace) -> int:
    from shared.redis_server import resolve_redis_url_async

    settings = _settings(args)
    print("newsflow: starting Redis, API and worker …", flush=True)
    url, server = await resolve_redis_url_async(settings)
    worker = None
    runner = None
    try:
        settings = settings.with_(redis_url=url)
        runner, base = await _start_api(settings, explicit_port=args.port is not None)
        worker_log = Path(settings.data_dir) / "worker.log"
        worker = start_worker_process(url, worker_log)
        where = f"embedded, data in {settings.redis_dir}" if server else "REDIS_URL"
        print(f"  redis   {url} ({where})\n  api     {base}\n  worker  pid {worker.pid}, log {worker_log}",
              flush=True)
        if not args.no_seeds:
            code = await _ingest_seeds(base, worker, args.timeout)
            if code:
                return code
        print(f"\nAPI {base}   docs {base}/docs   metrics {base}/metrics", flush=True)
        if args.exit:
            return 0
        print(f"Try: curl -s {base}/v1/articles | python3 -m json.tool\nServing; Ctrl-C to stop.", flush=True)
        await _until_signal()
        print("\nstopping …", flush=True)
        return 0
    finally:
        if worker is not None:
            await asyncio.to_thread(stop_process, worker)
        if runner is not None:
            await runner.cleanup()
        if server is not None:
            server.stop()


async def _ingest_seeds(base: str, worker: subprocess.Popen[bytes], timeout: float) -> int:
    import aiohttp

    paths = sorted(SEEDS_DIR.glob("*.json"))
    articles: list[Any] = []
    for p in paths:
        articles += read_articles(str(p))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        results = await submit_articles(base, articles, session=session)
        ids = [r["id"] for r in results if r.get("id")]
        rejected = [r for r in results if r["result"] == "rejected"]
        print(f"\nsubmitted {len(articles)} seed article(s) from {SEEDS_DIR.name}/: {len(ids)} accepted, "
              f"{len(rejected)} rejected; waiting for the worker (first start loads the models) …", flush=True)
        for r in rejected:
            print(f"  rejected #{r['index']}: {r.get('error')}", flush=True)
        waiter = asyncio.create_task(wait_for(base, ids, timeout=timeout, session=session))
        while not waiter.done():
            await asyncio.wait({waiter}, timeout=0.5)
            if worker.poll() is not None and not waiter.done():
                waiter.cancel()
                print(f"the worker exited (code {worker.returncode}); see its log", file=sys.stderr)
                return 1
        final = waiter.result()
        print("", flush=True)
        for doc_id in ids:
            st = final.get(doc_id, {})
            if st.get("status") != "done":
                print(f"  {doc_id}  {st.get('status', 'unknown')}  {st.get('error') or ''}", flush=True)
                continue
            _, doc = await _request(session, "GET", f"{base}/v1/articles/{doc_id}")
            print(summary_line(doc), flush=True)
    return 0


def summary_line(doc: dict[str, Any]) -> str:
    lang = doc.get("language") or {}
    code = lang.get("code") if isinstance(lang, dict) else lang
    others = [x.get("code") for x in (lang.get("languages") or [])[1:]] if isinstance(lang, dict) else []
    ents: dict[str, int] = {}
    for e in doc.get("entities") or []:
        name = e.get("text") or e.get("name") or "?"
        ents[name] = ents.get(name, 0) + max(1, len(e.get("mentions") or []))
    top = ", ".join(f"{n} ({c})" for n, c in sorted(ents.items(), key=lambda kv: -kv[1])[:5]) or "-"
    title = (doc.get("title") or "")[:60]
    lang_text = code or "?"
    if others:
        lang_text += "+" + "+".join(o for o in others if o)
    return (f"  {doc.get('id')}  {title}\n      language {lang_text}  claims {len(doc.get('claims') or [])}"
            f"  entities {len(doc.get('entities') or [])}: {top}")


# ================================================================================ argparse

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsflow", description="Async ingestion service for news articles.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    up = sub.add_parser("up", help="run everything (Redis, API, one worker), ingest seeds/, serve until Ctrl-C",
                        description="Start Redis (embedded unless REDIS_URL is set; AOF under ./var/redis), the "
                                    "API and one worker; submit every article in seeds/, wait until processed, "
                                    "print a summary and the URLs, then serve until Ctrl-C/SIGTERM and stop "
                                    "everything it started.")
    up.add_argument("--host", default=None, help="listen address (default NEWSFLOW_HOST or 127.0.0.1)")
    up.add_argument("--port", type=int, default=None, help="port (default NEWSFLOW_PORT or 8080; a free one if busy)")
    up.add_argument("--no-seeds", action="store_true", help="do not ingest seeds/")
    up.add_argument("--timeout", type=float, default=600, help="seconds to wait for the seeds (default 600)")
    up.add_argument("--exit", action="store_true", help="stop after the seeds are processed (smoke test)")
    up.add_argument("-v", "--verbose", action="store_true", help="log at INFO")
    up.set_defaults(func=cmd_up)

    api = sub.add_parser("api", help="run the HTTP API", description="Run the HTTP API (starts an embedded Redis "
                                                                     "when REDIS_URL is not set).")
    api.add_argument("--host", default=None, help="listen address (default NEWSFLOW_HOST or 127.0.0.1)")
    api.add_argument("--port", type=int, default=None, help="port (default NEWSFLOW_PORT or 8080)")
    api.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    api.set_defaults(func=cmd_api)

    worker = sub.add_parser("worker", help="run one arq worker (needs REDIS_URL)",
                            description="Run one arq worker against REDIS_URL. The pipeline runs in "
                                        "NEWSFLOW_WORKER_CONCURRENCY processes (capped at the CPU count); "
                                        "SIGTERM hands running jobs back to the queue.")
    worker.add_argument("--concurrency", type=int, default=None, help="pipeline processes (jobs at once)")
    worker.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    worker.set_defaults(func=cmd_worker)

    submit = sub.add_parser("submit", help="send articles to the API",
                            description="Send articles to the API. Inputs: .json (object or array), "
                                        ".ndjson/.jsonl, .txt (the text), .html/.htm (the page), or - for stdin "
                                        "(sniffed). One article is POSTed to /v1/articles, more go in batches.")
    submit.add_argument("paths", nargs="+", metavar="PATH", help="files, or - for stdin")
    submit.add_argument("--api", default=default_api_url(), help="API base URL (default NEWSFLOW_API_URL or "
                                                                 "http://NEWSFLOW_HOST:NEWSFLOW_PORT)")
    submit.add_argument("--wait", action="store_true", help="poll until every article is done or failed")
    submit.add_argument("--timeout", type=float, default=600, help="seconds to --wait (default 600)")
    submit.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    submit.set_defaults(func=cmd_submit)

    analyze = sub.add_parser("analyze", help="NDJSON articles on stdin → NDJSON documents on stdout (no Redis)",
                             description="Run the worker's pipeline in-process: one NDJSON document per input "
                                         "line, in input order; a bad line gives an error object on its line.")
    analyze.add_argument("--jobs", "-j", type=int, default=1, help="processes (default 1)")
    analyze.add_argument("--chunk-size", type=int, default=32, help="articles per pipeline batch (default 32)")
    analyze.set_defaults(func=cmd_analyze)

    for name, text in (("status", "processing status of an article"), ("get", "the stored document")):
        s = sub.add_parser(name, help=text, description=f"Print the {text} (JSON).")
        s.add_argument("id")
        s.add_argument("--api", default=default_api_url(), help="API base URL")
        s.set_defaults(func=cmd_show)
    return p


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code)


if __name__ == "__main__":
    main()
