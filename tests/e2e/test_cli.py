"""The ``newsflow`` CLI: --help everywhere, input formats, ``analyze`` (order, errors, --jobs),
``submit --wait`` / ``status`` / ``get`` against the real API and a real worker."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from worker_proc import Workers, check_offsets

from newsflow_client.inputs import InputError, read_articles

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ["up", "api", "worker", "submit", "analyze", "status", "get", "keys"]


def run_cli(*args: str, stdin: bytes = b"", timeout: float = 300) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cli", *args], input=stdin, capture_output=True, cwd=ROOT,
                          timeout=timeout)


async def run_cli_async(*args: str, stdin: bytes = b"", timeout: float = 300) -> tuple[int, str, str]:
    """Run the CLI without blocking the event loop (the test API server lives in it)."""
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "cli", *args, cwd=ROOT,
                                                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(stdin), timeout)
    return proc.returncode or 0, out.decode(), err.decode()


def test_help_on_every_subcommand() -> None:
    top = run_cli("--help")
    assert top.returncode == 0
    for cmd in COMMANDS:
        assert cmd in top.stdout.decode()
        res = run_cli(cmd, "--help")
        assert res.returncode == 0, res.stderr
        assert res.stdout.decode().startswith(f"usage: newsflow {cmd}")


# ------------------------------------------------------------------------------ input formats

def test_read_articles_formats(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps({"text": "one"}))
    (tmp_path / "many.json").write_text(json.dumps([{"text": "a"}, {"text": "b"}]))
    (tmp_path / "lines.ndjson").write_text('{"text": "a"}\n\n{"text": "b"}\n')
    (tmp_path / "story.txt").write_text("Plain\u00a0story.\n", encoding="utf-8")
    (tmp_path / "page.html").write_text("<html><body><p>Hi</p></body></html>")
    assert read_articles(str(tmp_path / "one.json")) == [{"text": "one"}]
    assert len(read_articles(str(tmp_path / "many.json"))) == 2
    assert read_articles(str(tmp_path / "lines.ndjson")) == [{"text": "a"}, {"text": "b"}]
    assert read_articles(str(tmp_path / "story.txt"))[0]["text"] == "Plain\u00a0story.\n"
    assert read_articles(str(tmp_path / "page.html"))[0]["html"].startswith("<html>")
    # stdin is sniffed
    assert read_articles("-", io.BytesIO(b'[{"text": "x"}]')) == [{"text": "x"}]
    assert read_articles("-", io.BytesIO(b'{"text": "x"}\n{"text": "y"}')) == [{"text": "x"}, {"text": "y"}]
    assert read_articles("-", io.BytesIO(b"<p>page</p>")) == [{"html": "<p>page</p>"}]
    assert read_articles("-", io.BytesIO(b"just words")) == [{"text": "just words"}]
    (tmp_path / "bad.ndjson").write_text('{"text": "a"}\n{oops\n')
    with pytest.raises(InputError, match="line 2"):
        read_articles(str(tmp_path / "bad.ndjson"))
    with pytest.raises(InputError):
        read_articles(str(tmp_path / "missing.json"))


# ------------------------------------------------------------------------------ analyze

LINES = [
    {"text": "Kim Jong Un met Vladimir Putin in Vladivostok, officials said.", "external_id": "a1"},
    "this line is not JSON",
    {"text": "Le président a déclaré que la France enverrait de l'aide.", "external_id": "a2"},
    {"title": "no body"},
    {"html": "<html><body><p>The minister said prices would fall by 5% next year.</p></body></html>",
     "external_id": "a3"},
    {"html": "<html><script>only()</script></html>", "external_id": "a4"},
    {"text": "North Korea\u200b shipped\u00a0shells to Russia, the agency believes.", "external_id": "a5"},
]


def _stdin() -> bytes:
    return "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in LINES).encode()


def _strip_volatile(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in ("processed_at", "timings_ms")}


def test_analyze_keeps_order_and_puts_errors_on_their_lines() -> None:
    res = run_cli("analyze", "--chunk-size", "3", stdin=_stdin())
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    out = [json.loads(x) for x in res.stdout.decode().splitlines()]
    assert len(out) == len(LINES)
    assert out[1]["error"]["code"] == "invalid_json" and out[1]["line"] == 2
    assert out[3]["error"]["code"] == "validation_error" and out[3]["line"] == 4
    assert out[5]["error"]["code"] == "stage_error" and out[5]["line"] == 6 and out[5]["id"]
    from shared.ids import article_id

    for i in (0, 2, 4, 6):
        doc = out[i]
        assert "error" not in doc, doc
        assert doc["id"] == article_id(LINES[i])  # the id intake would give it
        assert doc["stats"]["chars"] == len(doc["text"])
        check_offsets(doc)
    assert out[6]["text"] == LINES[6]["text"].replace("\u200b", " ").replace("\u00a0", " ")


def test_analyze_with_jobs_gives_the_same_documents_in_the_same_order() -> None:
    data = _stdin() * 2
    one = run_cli("analyze", "--chunk-size", "2", stdin=data)
    two = run_cli("analyze", "--jobs", "2", "--chunk-size", "2", stdin=data)
    assert one.returncode == 0 and two.returncode == 0, two.stderr.decode()[-2000:]
    a = [_strip_volatile(json.loads(x)) for x in one.stdout.decode().splitlines()]
    b = [_strip_volatile(json.loads(x)) for x in two.stdout.decode().splitlines()]
    assert len(a) == 2 * len(LINES) and a == b


# ------------------------------------------------------------------------------ against the service

async def test_submit_wait_status_and_get(client, redis, redis_server, tmp_path: Path) -> None:
    api = str(client.make_url("")).rstrip("/")
    (tmp_path / "a.json").write_text(json.dumps([
        {"text": "The agency said on Monday that ships had left the port.", "external_id": "s1"},
        {"text": "Officials said the talks would resume in Geneva next week.", "external_id": "s2"},
    ]))
    (tmp_path / "b.txt").write_text("A reporter wrote that the summit ended without a deal.")
    workers = Workers(redis_server.url, tmp_path)
    try:
        await workers.start(redis)
        code, out, err = await run_cli_async("submit", "--api", api, "--wait", str(tmp_path / "a.json"),
                                             str(tmp_path / "b.txt"))
        assert code == 0, (out, err)
        lines = out.splitlines()
        labels = [str(tmp_path / "a.json") + ":1", str(tmp_path / "a.json") + ":2", str(tmp_path / "b.txt")]
        accepted = [ln.split("\t") for ln in lines[:3]]
        assert [x[0] for x in accepted] == labels  # one line per input, keyed by file name
        assert [x[1] for x in accepted] == ["accepted"] * 3
        ids = [x[2] for x in accepted]
        assert [ln.split("\t")[:2] for ln in lines[3:]] == [[i, "done"] for i in ids]
        assert "3/3 finished  done 3  failed 0  queued 0" in err  # live progress on stderr
        assert "3 article(s) in " in err and ": 3 done" in err  # the summary

        # the same input again: duplicates, nothing queued twice
        code, out, _ = await run_cli_async("submit", "--api", api, str(tmp_path / "b.txt"))
        assert code == 0 and out.split("\t")[1] == "duplicate" and out.split("\t")[2] == ids[2]

        code, out, _ = await run_cli_async("status", ids[0], "--api", api)
        assert code == 0 and json.loads(out)["status"] == "done"
        code, out, _ = await run_cli_async("get", ids[2], "--api", api)
        doc = json.loads(out)
        assert code == 0 and doc["text"].startswith("A reporter wrote")

        # a raw page in a legacy charset, with its fields as flags: sent as text/html with ?url=&source=
        page = ("<html><head><meta charset='windows-1251'><title>Новости</title></head><body><article>"
                "<p>Министр заявил в понедельник, что переговоры продолжатся в Женеве на следующей неделе.</p>"
                "<p>Делегации прибудут во вторник, сообщили в министерстве иностранных дел.</p>"
                "</article></body></html>")
        (tmp_path / "page.html").write_bytes(page.encode("windows-1251"))
        code, out, err = await run_cli_async("submit", "--api", api, "--wait", "--url", "https://example.com/n/1",
                                             "--source", "crawler-1", str(tmp_path / "page.html"))
        assert code == 0, (out, err)
        label, result, page_id = out.splitlines()[0].split("\t")[:3]
        assert (label, result) == (str(tmp_path / "page.html"), "accepted")
        code, out, _ = await run_cli_async("get", page_id, "--api", api)
        doc = json.loads(out)
        assert doc["url"] == "https://example.com/n/1" and doc["source"] == "crawler-1"
        assert "Министр заявил в понедельник" in doc["text"] and doc["extraction"]["method"] == "trafilatura"
        code, out, err = await run_cli_async("submit", "--api", api, "--url", "https://example.com/x",
                                             str(tmp_path / "a.json"))
        assert code == 2 and "one article" in err
        code, out, _ = await run_cli_async("get", "0000000000000000", "--api", api)
        assert code == 1 and json.loads(out)["error"]["code"] == "not_found"

        # a rejected article: non-zero exit, the error on its line
        code, out, _ = await run_cli_async("submit", "--api", api, "-", stdin=b'{"title": "no body"}')
        assert code == 1 and "rejected" in out and "validation_error" in out
    finally:
        await asyncio.to_thread(workers.close)


def test_submit_reports_an_unreachable_api(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("text")
    res = run_cli("submit", "--api", "http://127.0.0.1:9", str(tmp_path / "x.txt"))
    assert res.returncode == 3 and b"cannot reach the API" in res.stderr


def test_up_starts_everything_processes_the_seeds_and_stops_what_it_started(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}  # embedded Redis path
    env.update(NEWSFLOW_DATA_DIR=str(tmp_path / "var"), NEWSFLOW_PORT="0", NEWSFLOW_WORKER_CONCURRENCY="1")
    res = subprocess.run([sys.executable, "-m", "cli", "up", "--exit", "--timeout", "240"], cwd=ROOT, env=env,
                         capture_output=True, timeout=400)
    out = res.stdout.decode()
    assert res.returncode == 0, out + res.stderr.decode()[-3000:]
    from shared.ids import article_id

    for seed in sorted((ROOT / "seeds").glob("*.json")):
        doc_id = article_id(json.loads(seed.read_text()))
        block = out[out.index(doc_id):]
        assert "language " in block.splitlines()[1] and "claims " in block.splitlines()[1]
    assert "/docs" in out and "/metrics" in out
    assert (tmp_path / "var" / "redis" / "appendonlydir").exists() or list((tmp_path / "var" / "redis").glob("*.aof"))
    # nothing it started is left running
    leftovers = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f1, open(f"/proc/{entry}/environ", "rb") as f2:
                    seen = (f1.read() + b"\0" + f2.read()).replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if str(tmp_path) in seen:  # redis (--dir) and the worker (NEWSFLOW_DATA_DIR in its environment)
                leftovers.append(seen[:200])
    assert not leftovers
