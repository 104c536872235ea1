"""HTML extraction: paragraph structure, site furniture dropped, page metadata (no naive dates)."""

from __future__ import annotations

import pytest

from workers.pipeline.document import AnalysisDoc
from workers.pipeline.extract import extract, strip_tags
from workers.pipeline.furniture import drop_furniture, is_furniture
from workers.pipeline.normalize import NormalizeStage
from workers.pipeline.page_meta import split_authors, to_aware_iso

pytestmark = pytest.mark.unit

BODY = ("<p>The council voted on Tuesday to close the old bridge to lorries, after engineers found cracks in two of "
        "its pillars during an inspection in March.</p>"
        "<p>The mayor said the decision had not been easy, but that the safety of residents came first.</p>")


def page(article: str, head: str = "", lang: str = "en") -> str:
    return (f'<html lang="{lang}"><head>{head}<title>Bridge closes</title></head><body>'
            f"<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav><article>{article}</article>"
            f"<footer>Copyright 2024 Example Media. All rights reserved.</footer></body></html>")


def test_blocks_headings_and_list_items_are_separate_lines():
    html = page("<h2>Why it closed</h2>" + BODY + "<ul><li>Cracks were found in March.</li>"
                "<li>Repairs start in June.</li></ul><blockquote><p>It is the right call, said a resident "
                "who lives next to the bridge.</p></blockquote>")
    text = extract(html, "https://example.com/a").text
    paragraphs = text.split("\n\n")
    assert "Why it closed" in paragraphs
    assert "Cracks were found in March.\nRepairs start in June." in paragraphs
    assert any(p.startswith("It is the right call") for p in paragraphs)
    assert "Home" not in text and "All rights reserved" not in text


@pytest.mark.parametrize("line", [
    "Share on Facebook", "Subscribe to our newsletter", "Sign in", "We use cookies", "Privacy policy",
    "By Jane Smith", "Published 12 March 2024", "Updated: 14:05", "March 3, 2024", "Read more: The bridge story",
    "Donald J. Trump (@realDonaldTrump) March 21, 2020", "— Jane Doe (@janedoe) 3. März 2021",
    "© 2024 Example Media", "Home | News | Sport | Weather", "Facebook Twitter WhatsApp E-Mail",
])
def test_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "By Aaron Humes: The Americas cannot ignore the risk of further COVID-19 surges, warns the director.",
    "Share prices fell sharply on Monday.", "Subscribers will get the new edition first, the publisher said.",
    "The mayor said the decision had not been easy.", "Why it closed", "Menu prices rose by 5 percent in March.",
])
def test_body_lines_are_kept(line):
    assert not is_furniture(line)


def test_short_lines_repeated_on_the_page_go_once_sentences_stay():
    blocks = ["Top stories", "A real sentence. Another one.", "Top stories", "A real sentence. Another one."]
    assert drop_furniture(blocks) == ["A real sentence. Another one.", "A real sentence. Another one."]


def test_metadata_from_the_page():
    head = ('<meta property="og:title" content="The old bridge closes to lorries">'
            '<meta property="article:published_time" content="2024-03-05T09:30:00+0100">'
            '<meta property="og:site_name" content="Example News"><meta name="author" content="Jane Smith">'
            '<meta property="og:image" content="https://example.com/i.jpg">'
            '<meta name="description" content="The council closed the bridge.">'
            '<link rel="canonical" href="/news/bridge">')
    meta = extract(page(BODY, head, "de-AT"), "https://example.com/news/bridge?utm=1").page
    assert meta["title"] == "The old bridge closes to lorries"
    assert meta["published_at"] == "2024-03-05T09:30:00+01:00"
    assert meta["canonical_url"] == "https://example.com/news/bridge"
    assert meta["html_lang"] == "de-AT" and meta["site_name"] == "Example News"
    assert meta["authors"] == ["Jane Smith"] and meta["image"] == "https://example.com/i.jpg"


def test_dates_are_aware_or_absent():
    assert to_aware_iso("2024-03-05") == "2024-03-05T00:00:00+00:00"
    assert to_aware_iso("2024-03-05T10:00:00Z") == "2024-03-05T10:00:00+00:00"
    assert to_aware_iso("5 March") is None and to_aware_iso("1970-01-01") is None and to_aware_iso(None) is None
    assert split_authors("Jane Smith, John Doe and Ann Lee") == ["Jane Smith", "John Doe", "Ann Lee"]


def test_the_client_wins_and_the_page_fills_in():
    head = '<meta property="article:published_time" content="2024-03-05T09:30:00Z">'
    doc = AnalysisDoc(id="x", article={"html": page(BODY, head)}, title=None)
    NormalizeStage()(doc)
    assert doc.title and doc.page["published_at"] == "2024-03-05T09:30:00+00:00"
    given = AnalysisDoc(id="y", article={"html": page(BODY, head), "title": "Client title"}, title="Client title")
    NormalizeStage()(given)
    assert given.title == "Client title" and given.extraction["method"] == "trafilatura"


def test_fallback_strips_tags():
    assert strip_tags("<div>One<br>two<script>x()</script></div>") == "One\ntwo"


@pytest.mark.parametrize("line", ["Subscribe now to our eNATION edition for the full story.", "NESTLÉ PRIVACY NOTICE",
                                  "II 78 Copyright ©", "Follow The Gleaner on Twitter and Instagram."])
def test_calls_to_action_and_policy_lines(line):
    assert is_furniture(line)


def test_a_sentence_about_privacy_stays():
    assert not is_furniture("The company changed its privacy policy after the ruling, regulators said.")


def test_site_name_is_stripped_from_the_title_only_when_it_names_the_site():
    from workers.pipeline.extract import _strip_site

    assert _strip_site("Bridge closes - Example News", "Example News", None) == "Bridge closes"
    assert _strip_site("BBC News | Ships sail", "BBC News", None) == "Ships sail"
    assert _strip_site("Bridge closes | helge.at", None, "https://www.helge.at/2014/x") == "Bridge closes"
    assert _strip_site("Brexit: the next round", "Example News", None) == "Brexit: the next round"


def test_consent_checkbox_lines():
    assert is_furniture("I AM OVER 18 YEARS OF AGE AND I AGREE TO ACME PROCESSING MY PERSONAL DATA IN ACCORDANCE "
                        "WITH THE ACME PRIVACY NOTICE *")
    assert not is_furniture("Users who agree to share data are protected by the privacy law, the court said.")


@pytest.mark.parametrize("line", [
    "I have read and understood the Acme Privacy Notice. Do not show this message again.",
    "Our site uses cookies and other technologies so that we can remember you. Further use of this site will be "
    "considered consent. For more information, visit our Privacy Policy.",
])
def test_cookie_banners_and_notices(line):
    assert is_furniture(line)
