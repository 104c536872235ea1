"""Start-up with a broken install: without the HTML extractor the worker and analyze refuse to start
(subprocesses with ``lxml_html_clean`` blocked, as a fresh venv with an old pip had it)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]

ARTICLE_PAGE = """<html><head><title>Ships sail</title></head><body><article><h1>Ships sail from Busan</h1>
<p>The ships left Busan on Monday morning after a week of repairs, the port authority said in a
statement that was read to reporters gathered at the harbour.</p></article></body></html>"""

_BROKEN_INSTALL = """
import sys
sys.modules["lxml_html_clean"] = None   # what a fresh venv with an old pip looked like
import cli
sys.exit(cli.main(["{command}"]))
"""


@pytest.mark.parametrize("command", ["worker", "analyze"])
def test_without_the_extractor_the_worker_and_analyze_refuse_to_start(command: str, tmp_path) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = ROOT
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0", "NEWSFLOW_DATA_DIR": str(tmp_path)}
    env.pop("NEWSFLOW_HTML_FALLBACK", None)
    proc = subprocess.run([sys.executable, "-c", _BROKEN_INSTALL.format(command=command)], cwd=root, env=env,
                          input=b"", capture_output=True, timeout=60)
    assert proc.returncode == 3, proc.stderr.decode()
    err = proc.stderr.decode()
    assert "trafilatura" in err and "NEWSFLOW_HTML_FALLBACK=allow" in err


def test_with_the_fallback_allowed_analyze_runs_and_says_so(tmp_path) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    import orjson

    root = ROOT
    script = ("import sys\nsys.modules['lxml_html_clean'] = None\n"
              "from shared.extractor import require_extractor\n"
              "from workers.pipeline.document import AnalysisDoc\n"
              "from workers.pipeline.normalize import NormalizeStage\n"
              "import orjson\n"
              "assert not require_extractor('allow').available\n"
              "doc = AnalysisDoc(id='t', article={'html': sys.stdin.read()})\n"
              "NormalizeStage()(doc)\n"
              "sys.stdout.write(orjson.dumps(doc.extraction.model_dump()).decode())\n")
    env = {**os.environ, "NEWSFLOW_DATA_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, input=ARTICLE_PAGE.encode(),
                          capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    assert orjson.loads(proc.stdout)["method"] == "fallback"
