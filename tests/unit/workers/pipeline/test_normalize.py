"""Normalisation: one-for-one cleaning (offsets stay valid), HTML extraction, stats."""

from __future__ import annotations

import random
import unicodedata

import pytest

from workers.pipeline.document import AnalysisDoc
from workers.pipeline.normalize import EmptyDocumentError, NormalizeStage, clean_text, strip_tags, text_stats

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u202a", "\u202e",
             "\u2066", "\u2069", "\u061c", "\U000e0041"]
ODD_SPACES = ["\u00a0", "\u2002", "\u2009", "\u202f", "\u205f", "\u3000", "\u1680"]
CONTROLS = ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x80", "\x9f"]


def run(article: dict) -> AnalysisDoc:
    doc = AnalysisDoc(id="t", article=article, title=article.get("title"))
    NormalizeStage()(doc)
    return doc


def test_length_and_visible_characters_are_preserved_for_random_noisy_text() -> None:
    rng = random.Random(7)
    alphabet = list("abc XYZ.,!?\n\t'\"é北韓") + INVISIBLE + ODD_SPACES + CONTROLS + ["\r", "\r\n", "\ud800", "\U0001F600"]
    for _ in range(200):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80)))
        out = clean_text(raw)
        assert len(out) == len(raw)
        for a, b in zip(raw, out):
            if a == b:
                continue
            # only the characters we promise to replace are replaced, and only by these
            assert b in (" ", "\n", "\ufffd"), (a, b)
            assert a in "\r\x0b\x0c\x85" or unicodedata.category(a) in ("Cc", "Cf", "Zs", "Zl", "Zp", "Cs"), repr(a)


@pytest.mark.parametrize("ch", INVISIBLE + ODD_SPACES + CONTROLS)
def test_each_invisible_control_or_odd_space_becomes_a_space(ch: str) -> None:
    assert clean_text(f"a{ch}b") == "a" + " " * len(ch) + "b"


def test_newlines_tabs_and_text_untouched() -> None:
    s = "Line one\tcol\nLine two — 北韓武器 «quoted» 😀 Ünïcödé"
    assert clean_text(s) == s


def test_line_endings_keep_one_break_and_length() -> None:
    assert clean_text("a\r\nb\rc\u2028d\x0ce") == "a \nb\nc\nd\ne"


def test_lone_surrogate_replaced_one_for_one() -> None:
    assert clean_text("x\ud83dy\udc00") == "x\ufffdy\ufffd"


def test_offsets_into_client_text_stay_valid() -> None:
    raw = "\ufeffPutin\u200b met Kim\u00a0Jong\u00a0Un in\u2009Vladivostok.\r\n"
    doc = run({"text": raw})
    assert len(doc.text) == len(raw)
    for word in ("Putin", "Kim", "Jong", "Un", "Vladivostok"):
        start = raw.index(word)
        assert doc.text[start:start + len(word)] == word


def test_html_extraction_uses_main_text_and_title() -> None:
    html = ("<html><head><title>Page title</title><script>var secret = 'x';</script></head><body>"
            "<nav>Home | Sport | Weather</nav><article><h1>Ships sail</h1>"
            "<p>The ships left Busan on Monday carrying artillery shells, officials said.</p>"
            "<p>A second paragraph gives more detail about the cargo &amp; the route taken.</p></article>"
            "<footer>Copyright 2024</footer></body></html>")
    doc = run({"html": html})
    assert "The ships left Busan on Monday" in doc.text
    assert "& the route" in doc.text
    assert "secret" not in doc.text and "<p>" not in doc.text
    assert doc.title  # taken from the page when the article has none
    assert run({"html": html, "title": "Given"}).title == "Given"


def test_plain_text_preferred_over_html_when_both_given() -> None:
    doc = run({"text": "Plain body.", "html": "<p>Other body</p>"})
    assert doc.text == "Plain body."


def test_tag_stripper_fallback() -> None:
    out = strip_tags("<div>One &lt;two&gt;<br>three<script>bad()</script><!-- c --></div>")
    assert out == "One <two>\nthree"


@pytest.mark.parametrize("article", [
    {"text": "\u200b\u200b  \n"},
    {"html": "<html><body><script>only()</script><style>p{}</style></body></html>"},
    {"text": ""},
])
def test_no_readable_text_is_a_permanent_error(article: dict) -> None:
    with pytest.raises(EmptyDocumentError):
        run(article)


def test_stats_counts() -> None:
    s = text_stats("Hello world. It's 3 p.m. now!\n\nHeadline without stop\n北韓武器。意義深遠")
    assert s["chars"] == len("Hello world. It's 3 p.m. now!\n\nHeadline without stop\n北韓武器。意義深遠")
    # Hello, world, It's, 3, p, m, now, Headline, without, stop + 8 CJK characters
    assert s["words"] == 18
    # "Hello world." "It's 3 p.m. now!" "Headline without stop" "北韓武器。" "意義深遠" (+ "p.m." split)
    assert 5 <= s["sentences"] <= 6
    assert text_stats("") == {"chars": 0, "words": 0, "sentences": 0}


def test_title_cleaned() -> None:
    doc = run({"text": "body", "title": " A\u200btitle\u00a0here \n"})
    assert doc.title == "A title here"


# ----------------------------------------------------------------------------- the HTML extractor

ARTICLE_PAGE = """<html><head><title>Ships sail</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/privacy">Privacy Policy</a></nav>
<article><h1>Ships sail from Busan</h1>
<p>The ships left Busan on Monday morning after a week of repairs, the port authority said in a
statement that was read to reporters gathered at the harbour.</p>
<p>Officials said the convoy would reach Vladivostok by Friday if the weather held, and that the
crews had been given extra rations for the crossing of the East Sea.</p>
<p>"We are ready," the captain told the crowd, adding that the repairs had gone well.</p>
</article><footer>Subscribe to our newsletter. Cookie Policy.</footer></body></html>"""


def test_the_html_extractor_imports_the_way_the_worker_imports_it() -> None:
    # A broken install (e.g. lxml_html_clean missing) must fail the suite, not degrade silently.
    from shared.extractor import extractor_status, require_extractor

    status = extractor_status()
    assert status.available, status.error
    assert require_extractor("refuse") is status


def test_every_document_records_its_extraction() -> None:
    doc = run({"html": ARTICLE_PAGE})
    assert doc.extraction["method"] == "trafilatura"
    assert doc.extraction["chars_in"] == len(ARTICLE_PAGE)
    assert doc.extraction["chars_out"] == len(doc.text)
    assert "Vladivostok" in doc.text and "Privacy Policy" not in doc.text
    plain = run({"text": "Plain body."})
    assert plain.extraction.model_dump() == {"method": "text", "chars_in": 11, "chars_out": 11}
