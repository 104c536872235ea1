"""The README's examples, followed in order, must not collide: an example that submits an article at a url
another example already used makes that article's revision 2 (the Python client example reused the curl
example's ``https://example.com/a/1``). Every submitting example uses a url of its own; reads (``GET
?url=``) may name one."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def statements(text: str) -> list[str]:
    """The statements of the README's sh and python code blocks (backslash-continued lines and the
    open JSON of a ``-d '…'`` joined)."""
    out: list[str] = []
    for block in re.findall(r"```(?:sh|bash|python)\n(.*?)```", text, flags=re.S):
        current = ""
        for line in block.splitlines():
            current += line.rstrip("\\") + " "
            if line.endswith("\\") or current.count("'") % 2:
                continue
            out.append(current)
            current = ""
        if current:
            out.append(current)
    return out


def submitted_urls(text: str) -> list[str]:
    urls: list[str] = []
    for st in statements(text):
        if "-XPOST" in st and "/v1/articles" in st and "/retry" not in st:
            urls += re.findall(r"[?&]url=([^&\"' ]+)", st) + re.findall(r'"url":\s*"([^"]+)"', st)
        elif re.search(r"\.submit(?:_page)?\(", st):
            urls += re.findall(r'\burl="([^"]+)"', st)
        elif "newsflow submit" in st:
            urls += re.findall(r"--url\s+(\S+)", st)
    return urls


def test_the_parser_sees_each_kind_of_example() -> None:
    sample = ("```sh\ncurl -s -XPOST $API/v1/articles -H 'C: j' \\\n  -d '{\"url\": \"https://x/1\",\n"
              "   \"text\": \"t\"}'\ncurl -s -XPOST \"$API/v1/articles?url=https://x/2&source=s\" \\\n  -H 'C: h'\n"
              "curl -s \"$API/v1/articles?url=https://x/1\"\nnewsflow submit p.html --url https://x/3 --source c\n```\n"
              "```python\n    r = api.submit(html=h, url=\"https://x/4\", source=\"c\")\n```\n")
    assert submitted_urls(sample) == ["https://x/1", "https://x/2", "https://x/3", "https://x/4"]


def test_no_two_readme_examples_submit_the_same_url() -> None:
    urls = submitted_urls(README.read_text(encoding="utf-8"))
    assert len(urls) >= 4  # the curl JSON, the curl page, the Python client, the CLI examples
    seen = [u for i, u in enumerate(urls) if u in urls[:i]]
    assert not seen, f"README examples submit these urls more than once: {seen} (all: {urls})"
