"""``newsflow``: run, feed and query the service.

    newsflow up                 Redis (embedded unless REDIS_URL) + API + one worker; ingest seeds/; serve
    newsflow api                the HTTP API only
    newsflow worker             one arq worker (needs REDIS_URL)
    newsflow submit PATH...|-   send articles (JSON, NDJSON, .txt, .html, stdin) to the API; --wait
    newsflow analyze            NDJSON articles on stdin → NDJSON documents on stdout, no Redis
    newsflow status ID          processing status of an article
    newsflow get ID             the stored document
    newsflow keys create|list|revoke   API keys (straight in Redis: REDIS_URL, REDIS_SENTINELS or the embedded one)

Every subcommand has ``--help``. Argument parsing and output only: the HTTP calls and input formats
are in ``newsflow_client``, running processes in ``shared.supervise``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import logging
import os
import sys
from pathlib import Path
from typing import Any, Sequence

import orjson

from newsflow_client import ArticleStatus, InputError, WaitProgress, default_url, read_articles, summary_line
from newsflow_client.progress import ProgressLine, rate_line, wait_line
from newsflow_client.settings import announced_url
from shared import __version__

ROOT = Path(__file__).resolve().parent
SEEDS_DIR = ROOT / "seeds"


def _setup_logging(verbose: bool = False, quiet: bool = False) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s", stream=sys.stderr)


def _settings(args: argparse.Namespace | None = None) -> Any:
    from shared.config import Settings

    overrides = {name: getattr(args, name) for name in ("host", "port") if getattr(args, name, None) is not None}
    return Settings.from_env(**overrides)


def _extractor_ok(settings: Any, command: str) -> bool:
    """The worker's start-up check of the HTML extractor, said on stderr before anything starts."""
    from shared.extractor import ExtractorUnavailable, require_extractor

    try:
        require_extractor(settings.html_fallback)
    except ExtractorUnavailable as exc:
        print(f"newsflow {command}: {exc}", file=sys.stderr)
        return False
    return True


def _progress(progress: WaitProgress) -> None:
    print(progress.line(), file=sys.stderr, flush=True)


# ================================================================================ subcommands

async def cmd_submit(args: argparse.Namespace) -> int:
    import aiohttp

    from newsflow_client import AsyncClient
    from newsflow_client.inputs import read_inputs

    try:
        inputs = [item for path in args.paths for item in read_inputs(path)]
    except InputError as exc:
        print(f"newsflow submit: {exc}", file=sys.stderr)
        return 2
    if not inputs:
        print("newsflow submit: no articles in the input", file=sys.stderr)
        return 2
    fields = {"url": args.url, "title": args.title, "external_id": args.external_id}
    if any(fields.values()) and len(inputs) > 1:
        print("newsflow submit: --url, --title and --external-id name one article; "
              f"the input holds {len(inputs)}", file=sys.stderr)
        return 2
    fields["source"] = args.source
    fields = {k: v for k, v in fields.items() if v}
    async with AsyncClient(args.api, timeout=300) as api:
        try:
            results = await _submit_inputs(api, inputs, fields)
        except aiohttp.ClientError as exc:
            print(f"newsflow submit: cannot reach the API at {args.api}: {exc}", file=sys.stderr)
            return 3
        ok = True
        for item, r in zip(inputs, results):
            if r.rejected:
                ok = False
                err = r.error or {}
                details = f" {orjson.dumps(err['details']).decode()}" if err.get("details") else ""
                print(f"{item.label}\trejected\t{err.get('code', '')}: {err.get('message', '')}{details}")
            else:
                print(f"{item.label}\t{r.result}\t{r.id}\t{r.status or ''}")
        ids = [r.id for r in results if r.id]
        if args.wait and ids:
            line = ProgressLine()
            final = await api.wait(ids, timeout=args.timeout, on_progress=None if args.quiet else (
                lambda p: line.show(wait_line(p, line.elapsed), force=True)))
            counts: dict[str, int] = {}
            for doc_id in dict.fromkeys(ids):
                st = final.get(doc_id) or ArticleStatus(doc_id, "unknown")
                counts[st.status] = counts.get(st.status, 0) + 1
                msg = f"\t{st.error.get('message') if isinstance(st.error, dict) else st.error}" if st.error else ""
                print(f"{doc_id}\t{st.status}{msg}")
                ok = ok and st.status == "done"
            if not args.quiet:
                line.end(f"{sum(counts.values())} article(s) in {line.elapsed:.1f}s: "
                         + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    return 0 if ok else 1


async def _submit_inputs(api: Any, inputs: list[Any], fields: dict[str, str]) -> list[Any]:
    """JSON articles in batches (the flags fill fields they lack), raw pages one request each with
    the flags as query parameters; one result per input, in input order."""
    results: list[Any] = [None] * len(inputs)
    json_at = [i for i, item in enumerate(inputs) if item.body is None]
    articles = [{**fields, **inputs[i].article} if isinstance(inputs[i].article, dict) else inputs[i].article
                for i in json_at]
    if articles:
        for i, r in zip(json_at, await api.submit_many(articles)):
            results[i] = r
    for i, item in enumerate(inputs):
        if item.body is not None:
            results[i] = await api.submit_page(item.body, content_type=item.content_type, **fields)
    return results


async def cmd_show(args: argparse.Namespace) -> int:
    import aiohttp

    from newsflow_client import AsyncClient

    try:
        async with AsyncClient(args.api, timeout=30) as api:
            resp = (await api.status(args.id)) if args.command == "status" else (await api.get(args.id))
    except aiohttp.ClientError as exc:
        print(f"newsflow {args.command}: cannot reach the API at {args.api}: {exc}", file=sys.stderr)
        return 3
    sys.stdout.buffer.write(orjson.dumps(resp.body, option=orjson.OPT_INDENT_2) + b"\n")
    return 0 if resp.http_status == 200 else 1


def cmd_analyze(args: argparse.Namespace) -> int:
    from workers import analyze

    _setup_logging(quiet=True)
    if not _extractor_ok(_settings(), "analyze"):
        return 3
    line = ProgressLine() if args.progress or sys.stderr.isatty() else None
    total = _count_lines(sys.stdin.buffer) if line is not None else None
    try:
        written = analyze.run(sys.stdin.buffer, sys.stdout.buffer, jobs=args.jobs, chunk_size=args.chunk_size,
                              on_written=None if line is None else (
                                  lambda n: line.show(rate_line(n, total, line.elapsed))))
        if line is not None:
            line.end(f"{rate_line(written, None, line.elapsed)} in {line.elapsed:.1f}s")
    except BrokenPipeError:  # e.g. `| head`
        with contextlib.suppress(Exception):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    return 0


def _count_lines(stream: Any) -> int | None:
    """The number of non-empty lines of a regular file on stdin (then rewound), else None (a pipe)."""
    try:
        if not stream.seekable():
            return None
        start = stream.tell()
        n = sum(1 for raw in stream if raw.strip())
        stream.seek(start)
        return n
    except (OSError, ValueError):
        return None


def cmd_worker(args: argparse.Namespace) -> int:
    from workers.run import serve_worker

    _setup_logging(args.verbose)
    settings = _settings()
    if args.concurrency:
        settings = settings.with_(worker_concurrency=args.concurrency)
    if not settings.redis_url and not settings.sentinels:
        print("newsflow worker: set REDIS_URL (or REDIS_SENTINELS) to the Redis the API uses (or run `newsflow up`)",
              file=sys.stderr)
        return 2
    if not _extractor_ok(settings, "worker"):
        return 3
    asyncio.run(serve_worker(settings, settings.redis_url))
    return 0


async def cmd_api(args: argparse.Namespace) -> int:
    from services.app import create_app
    from shared.supervise import serve, until_signal

    _setup_logging(args.verbose)
    settings = _settings(args)
    async with serve(settings, create_app, explicit_port=args.port is not None) as stack:
        if stack.redis_server is not None:
            url = _shown_url(stack)
            print(f"embedded Redis at {url} (data in {settings.redis_dir}); "
                  f"start workers with: REDIS_URL={url} newsflow worker", flush=True)
        base = stack.api_url
        print(f"API at {base}  (docs {base}/docs, metrics {base}/metrics)", flush=True)
        with announced_url(settings.data_dir, base):
            await until_signal()
    return 0


def _shown_url(stack: Any) -> str:
    """The Redis URL to print: the embedded server's password as a shell expression reading its file."""
    from shared.config import mask_url

    server = stack.redis_server
    if server is None or not server.password:
        return mask_url(stack.redis_url)  # an external REDIS_URL's password is not printed
    return stack.redis_url.replace(server.password, f"$(cat {server.data_dir / 'password'})")


async def cmd_up(args: argparse.Namespace) -> int:
    from services.app import create_app
    from shared.supervise import keep_children, serve, until_signal

    _setup_logging(quiet=not args.verbose)
    settings = _settings(args)
    if not _extractor_ok(settings, "up"):
        return 3
    print("newsflow: starting Redis, API and worker …", flush=True)
    async with serve(settings, create_app, explicit_port=args.port is not None,
                     worker_log=Path(settings.data_dir) / "worker.log") as stack:
        base, worker = stack.api_url, stack.worker
        if settings.sentinels:
            shown, where = f"master {settings.redis_sentinel_master!r}", f"REDIS_SENTINELS {settings.redis_sentinels}"
        else:
            shown = _shown_url(stack)
            where = f"embedded, data in {settings.redis_dir}" if stack.redis_server else "REDIS_URL"
        print(f"  redis   {shown} ({where})\n  api     {base}\n  worker  pid {worker.pid}, "
              f"log {stack.worker_log}", flush=True)
        # a worker (or embedded Redis) that dies is reported and started again; one that keeps dying
        # ends `up` with exit code 1 (shared/supervise.py keep_children)
        watcher = asyncio.ensure_future(keep_children(stack))
        try:
            with announced_url(settings.data_dir, base):  # `newsflow submit` elsewhere finds this API
                if not args.no_seeds and await _ingest_seeds(base, watcher, args.timeout, settings, stack.redis_url):
                    return 1
                print(f"\nAPI {base}   docs {base}/docs   metrics {base}/metrics", flush=True)
                if args.exit:
                    return 0
                print(f"Try: curl -s {base}/v1/articles | python3 -m json.tool\nServing; Ctrl-C to stop.", flush=True)
                signalled = asyncio.ensure_future(until_signal())
                await asyncio.wait({signalled, watcher}, return_when=asyncio.FIRST_COMPLETED)
                if not signalled.done():
                    signalled.cancel()
                    await asyncio.gather(signalled, return_exceptions=True)
                    return _gave_up(watcher)
                print("\nstopping …", flush=True)
        finally:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)
    return 0


def _gave_up(watcher: Any) -> int:
    """``newsflow up``'s exit code when its watcher of the children ended (it gave up, or failed)."""
    exc = None if watcher.cancelled() else watcher.exception()
    if exc is not None and type(exc).__name__ != "GaveUp":
        print(f"newsflow up: supervising the worker and Redis failed: {type(exc).__name__}: {exc}",
              file=sys.stderr, flush=True)
    print("newsflow up: stopped (a child kept dying)", file=sys.stderr, flush=True)
    return 1


@contextlib.asynccontextmanager
async def _seed_key(settings: Any, redis_url: str) -> Any:
    """The key ``newsflow up`` submits the seeds with: NEWSFLOW_API_KEY, else (when the API needs keys)
    a temporary submit+read key, revoked afterwards; None when keys are not needed."""
    from newsflow_client.settings import default_api_key

    if default_api_key() or not settings.auth_required:
        yield default_api_key()
        return
    from shared.redis_client import close_client
    from shared.store.apikeys import ApiKeyStore

    client = await _store_client(settings, redis_url)
    record, key = await ApiKeyStore(client).create("newsflow up (seeds)", "submit,read")
    try:
        yield key
    finally:
        await ApiKeyStore(client).revoke(record.id)
        await close_client(client)


async def _store_client(settings: Any, redis_url: str) -> Any:
    """A client for the store: through the sentinels with ``REDIS_SENTINELS``, else ``redis_url``; its
    credentials checked (a refusal raises RedisAuthError). Closed with ``shared.redis_client.close_client``."""
    from shared.redis_client import close_client, verify_credentials

    if settings.sentinels:
        from services.app import sentinel_client

        client = sentinel_client(settings)
    else:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(redis_url)
    try:
        await verify_credentials(client)
    except BaseException:
        await close_client(client)
        raise
    return client


async def _ingest_seeds(base: str, watcher: Any, timeout: float, settings: Any, redis_url: str) -> int:
    """Submit seeds/, wait (a worker that dies meanwhile is restarted by ``watcher``, ``keep_children``),
    print a summary per document; 1 if the watcher gave up."""
    async with _seed_key(settings, redis_url) as key:
        return await _ingest(base, watcher, timeout, key)


def seed_counts(results: list[Any]) -> str:
    """``2 new or changed, 0 already stored (unchanged), 0 rejected``: a duplicate (a seed stored by an
    earlier ``up``, same text) is not counted as accepted."""
    n = {k: sum(r.result == k for r in results) for k in ("accepted", "duplicate", "rejected")}
    return f"{n['accepted']} new or changed, {n['duplicate']} already stored (unchanged), {n['rejected']} rejected"


async def _ingest(base: str, watcher: Any, timeout: float, key: str | None) -> int:
    from newsflow_client import AsyncClient

    articles = [a for p in sorted(SEEDS_DIR.glob("*.json")) for a in read_articles(str(p))]
    async with AsyncClient(base, timeout=60, api_key=key) as api:
        results = await api.submit_many(articles)
        ids = [r.id for r in results if r.id]
        rejected = [r for r in results if r.rejected]
        print(f"\nsubmitted {len(articles)} seed article(s) from {SEEDS_DIR.name}/: {seed_counts(results)}; "
              + ("waiting for the worker (first start loads the models) …"
                 if any(r.status != "done" for r in results if r.id) else "all analysed already"), flush=True)
        for r in rejected:
            print(f"  rejected #{r.index}: {r.error}", flush=True)
        waiting = asyncio.ensure_future(api.wait(ids, timeout=timeout, on_progress=_progress))
        await asyncio.wait({waiting, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if not waiting.done():  # the watcher gave up on the worker
            waiting.cancel()
            await asyncio.gather(waiting, return_exceptions=True)
            return _gave_up(watcher)
        final = waiting.result()
        print("", flush=True)
        for doc_id in ids:
            st = final.get(doc_id) or ArticleStatus(doc_id, "unknown")
            if st.status != "done":
                print(f"  {doc_id}  {st.status}  {st.error or ''}", flush=True)
                continue
            print(summary_line((await api.get(doc_id)).body), flush=True)
    return 0


async def cmd_keys(args: argparse.Namespace) -> int:
    from shared.redis_client import close_client
    from shared.redis_server import resolve_running_redis_url
    from shared.store.apikeys import ApiKeyStore, InvalidScope

    settings = _settings()
    url, server = await asyncio.to_thread(resolve_running_redis_url, settings)
    client = await _store_client(settings, url)
    try:
        keys = ApiKeyStore(client)
        if args.action == "create":
            try:
                record, key = await keys.create(args.name, args.scope)
            except InvalidScope as exc:
                print(f"newsflow keys create: {exc}", file=sys.stderr)
                return 2
            print(f"created API key {record.id} ({record.name}; scopes {','.join(record.scopes)}). "
                  "It is shown only now: store it (e.g. NEWSFLOW_API_KEY).", file=sys.stderr)
            print(key)
        elif args.action == "list":
            items = await keys.list()
            if args.json:
                sys.stdout.buffer.write(orjson.dumps([k.to_dict() for k in items], option=orjson.OPT_INDENT_2) + b"\n")
            for k in [] if args.json else items:
                print(f"{k.id}\t{k.name}\t{','.join(k.scopes)}\t{k.created_at}\t{'revoked' if k.revoked else 'active'}")
        elif not await keys.revoke(args.id):
            print(f"newsflow keys revoke: no key {args.id!r}", file=sys.stderr)
            return 1
        else:
            print(f"revoked {args.id}")
    finally:
        await close_client(client)
        if server is not None:
            await asyncio.to_thread(server.stop)
    return 0


# ================================================================================ argparse

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsflow", description="Async ingestion service for news articles.")
    p.add_argument("--version", action="version", version=f"newsflow {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    host_help = "listen address (default NEWSFLOW_HOST or 127.0.0.1)"

    up = sub.add_parser("up", help="run everything (Redis, API, one worker), ingest seeds/, serve until Ctrl-C",
                        description="Start Redis (embedded unless REDIS_URL is set; AOF under ./var/redis), the API "
                                    "and one worker; submit every article in seeds/, wait until processed, print a "
                                    "summary and the URLs, then serve until Ctrl-C/SIGTERM and stop everything it "
                                    "started.")
    up.add_argument("--host", default=None, help=host_help)
    up.add_argument("--port", type=int, default=None, help="port (default NEWSFLOW_PORT or 8080; a free one if busy)")
    up.add_argument("--no-seeds", action="store_true", help="do not ingest seeds/")
    up.add_argument("--timeout", type=float, default=600, help="seconds to wait for the seeds (default 600)")
    up.add_argument("--exit", action="store_true", help="stop after the seeds are processed (smoke test)")
    up.add_argument("-v", "--verbose", action="store_true", help="log at INFO")
    up.set_defaults(func=cmd_up)

    api = sub.add_parser("api", help="run the HTTP API",
                         description="Run the HTTP API (starts an embedded Redis when REDIS_URL is not set).")
    api.add_argument("--host", default=None, help=host_help)
    api.add_argument("--port", type=int, default=None, help="port (default NEWSFLOW_PORT or 8080)")
    api.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    api.set_defaults(func=cmd_api)

    worker = sub.add_parser("worker", help="run one arq worker (needs REDIS_URL)",
                            description="Run one arq worker against REDIS_URL. The pipeline runs in "
                                        "NEWSFLOW_WORKER_CONCURRENCY processes (capped at the CPU count); SIGTERM "
                                        "hands running jobs back to the queue.")
    worker.add_argument("--concurrency", type=int, default=None, help="pipeline processes (jobs at once)")
    worker.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    worker.set_defaults(func=cmd_worker)

    submit = sub.add_parser("submit", help="send articles to the API",
                            description="Send articles to the API. Inputs: .json (object or array), .ndjson/.jsonl, "
                                        ".txt (the text), .html/.htm (the page), or - for stdin (sniffed). One "
                                        "article is POSTed to /v1/articles, more go in batches.")
    submit.add_argument("paths", nargs="+", metavar="PATH", help="files, or - for stdin")
    submit.add_argument("--api", default=default_url(),
                        help="API base URL (default NEWSFLOW_API_URL, else the one `newsflow up` wrote to the data "
                             "directory, else http://NEWSFLOW_HOST:NEWSFLOW_PORT)")
    submit.add_argument("--url", help="the article's URL (one input only; raw pages send it as ?url=)")
    submit.add_argument("--source", help="the source (publisher, crawler) of every input")
    submit.add_argument("--title", help="the article's title (one input only)")
    submit.add_argument("--external-id", dest="external_id", help="your id for the article (one input only)")
    submit.add_argument("--wait", action="store_true",
                        help="poll until every article is done or failed (live progress line on stderr, summary)")
    submit.add_argument("--timeout", type=float, default=600, help="seconds to --wait (default 600)")
    submit.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    submit.set_defaults(func=cmd_submit)

    analyze = sub.add_parser("analyze", help="NDJSON articles on stdin → NDJSON documents on stdout (no Redis)",
                             description="Run the worker's pipeline in-process: one NDJSON document per input line, "
                                         "in input order; a bad line gives an error object on its line.")
    analyze.add_argument("--jobs", "-j", type=int, default=1, help="processes (default 1)")
    analyze.add_argument("--chunk-size", type=int, default=32, help="articles per pipeline batch (default 32)")
    analyze.add_argument("--progress", action="store_true",
                         help="progress on stderr (documents/s, ETA) even when stderr is not a terminal")
    analyze.set_defaults(func=cmd_analyze)

    for name, text in (("status", "processing status of an article"), ("get", "the stored document")):
        s = sub.add_parser(name, help=text, description=f"Print the {text} (JSON).")
        s.add_argument("id")
        s.add_argument("--api", default=default_url(), help="API base URL")
        s.set_defaults(func=cmd_show)
    keys = sub.add_parser("keys", help="create, list and revoke API keys",
                          description="Manage API keys in Redis directly (REDIS_URL, else the embedded Redis of "
                                      "NEWSFLOW_DATA_DIR, running or not). Scopes: submit (POST articles), read "
                                      "(GET), admin (DELETE, retry, keys).")
    ksub = keys.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = ksub.add_parser("create", help="create a key; prints it once on stdout")
    create.add_argument("--scope", required=True, help="comma-separated: submit,read,admin")
    create.add_argument("--name", required=True, help="who uses it (e.g. crawler-1)")
    klist = ksub.add_parser("list", help="list keys (id, name, scopes, created, active/revoked)")
    klist.add_argument("--json", action="store_true", help="JSON instead of tab-separated lines")
    revoke = ksub.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("id")
    keys.set_defaults(func=cmd_keys)
    return p


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
        if inspect.iscoroutine(code):  # the async subcommands
            code = asyncio.run(code)
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:
        from shared.redis_client import RedisAuthError
        from shared.redis_server import RedisServerError

        if not isinstance(exc, (RedisAuthError, RedisServerError)):
            raise
        # names the setting, never a password; or why no embedded redis-server started (e.g. its data
        # folder is in use: which pids to stop)
        print(f"newsflow {args.command}: {exc}", file=sys.stderr)
        code = 2
    raise SystemExit(code)


if __name__ == "__main__":
    main()
