"""Second-pass extraction rules: the visible lead, calls to action written as sentences, and the
related-links tail. Hand-written pages and lines only."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from workers.pipeline.extract import extract
from workers.pipeline.furniture import cut_related_tail, is_furniture
from workers.pipeline.lead import add_lead, gap_paragraphs, visible_lead

pytestmark = pytest.mark.unit

LEAD = "Engineers found cracks in two pillars of the old bridge, and the council now wants lorries kept off it."
PARAS = ("<p>The council voted on Tuesday to close the old bridge to lorries, after an inspection in March showed "
         "that the damage was worse than expected by the town's own engineers.</p>"
         "<p>The mayor said the decision had not been easy, but that the safety of residents came first, and that "
         "repairs would start in June if the regional government agreed to pay for them.</p>"
         "<p>Shop owners on the east bank fear that deliveries will take longer, since lorries must now drive "
         "through the next town, which adds twenty minutes to every trip.</p>")


def page(body: str, description: str | None = LEAD) -> str:
    meta = f'<meta name="description" content="{description}">' if description else ""
    return (f"<html><head><title>Bridge closes</title>{meta}</head><body>"
            f"<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>{body}</body></html>")


def test_the_visible_lead_outside_the_article_comes_first():
    html = page(f'<header><h1>Bridge closes</h1><div class="intro"><span>{LEAD}</span></div></header>'
                f"<article>{PARAS}</article>")
    text = extract(html, "https://example.com/a").text
    assert text.split("\n\n")[0] == LEAD
    assert text.count(LEAD) == 1


def test_a_description_only_in_meta_adds_nothing():
    html = page(f"<article>{PARAS}</article>")
    assert visible_lead(lxml_html.fromstring(html)) is None
    assert LEAD not in extract(html, "https://example.com/a").text


def test_a_description_inside_a_link_or_a_larger_block_is_no_lead():
    linked = page(f'<div><a href="/other"><p>{LEAD}</p></a></div><article>{PARAS}</article>')
    assert visible_lead(lxml_html.fromstring(linked)) is None
    buried = page(f"<div><p>{LEAD} The council voted on Tuesday to close the old bridge to lorries, after an "
                  "inspection in March showed that the damage was worse than expected by its engineers.</p></div>")
    assert visible_lead(lxml_html.fromstring(buried)) is None


def test_a_short_description_is_no_lead():
    html = page("<p>Local news from the valley</p>" + f"<article>{PARAS}</article>",
                description="Local news from the valley")
    assert visible_lead(lxml_html.fromstring(html)) is None


def test_the_lead_is_not_added_twice():
    assert add_lead([LEAD, "Body."], LEAD) == [LEAD, "Body."]
    assert add_lead(["Body."], LEAD) == [LEAD, "Body."]
    assert add_lead(["Body."], None) == ["Body."]


@pytest.mark.parametrize("line", [
    "If you're seeing this message but you're already a subscriber, you can log in for immediate access to this "
    "story and all our journalism, which is paid for by readers like you every single month.",
    "For the latest stories and breaking news updates download the Example News apps for iOS and Android.",
    "Follow The Example Times on Twitter and Instagram @ExampleTimes and on Facebook @ExampleTimes. Send us a "
    "message on WhatsApp at any time of the day or night with your news tips and pictures.",
    "Get The Example Post's Daily Edition by email and never miss our top stories Free Sign Up",
    "Our Standards: The Example Trust Principles.",
    "Gefällt dir unser Magazin? Dann unterstütze uns mit einem kleinen Beitrag.",
    "ANZEIGE - Heute mal ausgehen? Wie wäre es mit:",
    "© 2022, Example.com. This article is the copyrighted property of Example News. Written permission must be "
    "obtained before reprint in online or print media. Reprinting without permission is forbidden.",
])
def test_calls_to_action_as_sentences(line):
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "Subscribers who already paid will get a refund, the company said on Monday after the outage.",
    "The app was downloaded two million times in its first week, according to the developer.",
    "The paper may reprint the letters without written permission from the family, the court ruled in 2021.",
])
def test_sentences_about_subscriptions_and_copyright_stay(line):
    assert not is_furniture(line)


LONG = ["A long first paragraph of the article with enough text to weigh something. " * 4] * 3


@pytest.mark.parametrize("heading", ["Related articles", "More from Example News", "Weitere Artikel",
                                     "Contenido relacionado", "Auch auf example.de", "Lire aussi :"])
def test_a_related_heading_near_the_end_cuts_the_tail(heading):
    blocks = [*LONG, f"{heading}\nOther story one\nOther story two"]
    assert cut_related_tail(blocks) == LONG
    mid = ["Last paragraph of the body.", f"{heading}", "Teaser one", "Teaser two"]
    assert cut_related_tail([*LONG, *mid]) == [*LONG, "Last paragraph of the body."]


def test_a_related_heading_early_or_inside_a_sentence_stays():
    early = ["Related articles", *LONG]
    assert cut_related_tail(early) == early
    sentence = [*LONG, "Related articles were published by the council last week, it said."]
    assert cut_related_tail(sentence) == sentence


STANDFIRST = "The town's only bridge for lorries closes on Monday, and nobody knows yet for how long it will stay shut."


def test_a_standfirst_between_headline_and_body_comes_first():
    html = page(f'<div class="top"><h1>Bridge closes</h1><div class="sub"><p>{STANDFIRST}</p></div>'
                f'<p class="date">3 March 2024</p></div><div class="body">{PARAS}</div>', description=None)
    text = extract(html, "https://example.com/a").text
    assert text.split("\n\n")[0] == STANDFIRST


def test_no_standfirst_from_links_figures_or_short_lines():
    html = page(f'<h1>Bridge closes</h1><p><a href="/x">{STANDFIRST}</a></p>'
                f"<figure><figcaption>{STANDFIRST.replace('Monday', 'Sunday')}</figcaption></figure>"
                f"<p>Photo: Jane Doe</p><div>{PARAS}</div>", description=None)
    tree = lxml_html.fromstring(html)
    assert gap_paragraphs(tree, "The council voted on Tuesday to close the old bridge to lorries") == []


def test_no_standfirst_when_the_body_is_not_near_the_headline():
    filler = "".join(f"<div><span>Menu item {i}</span></div>" for i in range(200))
    html = page(f"<h1>Bridge closes</h1><p>{STANDFIRST}</p>{filler}<div>{PARAS}</div>", description=None)
    tree = lxml_html.fromstring(html)
    assert gap_paragraphs(tree, "The council voted on Tuesday to close the old bridge to lorries") == []
    near = page(f"<h1>Bridge closes</h1><p>{STANDFIRST}</p><div>{PARAS}</div>", description=None)
    assert gap_paragraphs(lxml_html.fromstring(near),
                          "The council voted on Tuesday to close the old bridge to lorries") == [STANDFIRST]


@pytest.mark.parametrize("line", [
    "Hier geht es zur neuen Vorstandsstruktur", "Alles über nachhaltige Wanderschuhe findest Du hier.",
    "Informationsschreiben vom 14. Oktober 2021PDF | 38 KB | Datei ist nicht barrierefrei",
    "Letzte Änderung 14.02.2019", "Last modified: March 3, 2024",
    "This post contains references to products from one or more of our advertisers. We may receive compensation "
    "when you click on links to those products.",
    "Die aktuelle Ausgabe der Zeitschrift jetzt an jedem Bahnhofskiosk, im Abo und als e-Paper erhältlich.",
])
def test_link_lines_disclosures_and_last_changed(line):
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "Hier geht es um die Frage, wer die Brücke bezahlt, und darüber wird seit Jahren gestritten.",
    "The council published the report as a PDF on Monday, and residents can comment until June.",
])
def test_sentences_mentioning_here_or_pdf_stay(line):
    assert not is_furniture(line)


def test_a_press_contact_heading_cuts_the_tail_unless_it_is_a_menu_label():
    tail = ["Pressekontakt\nJane Doe\nTelefon: 030 1234"]
    assert cut_related_tail([*LONG, *tail]) == LONG
    menu = ["Pressekontakt", *LONG, *tail]
    assert cut_related_tail(menu) == menu


@pytest.mark.parametrize("line", [
    "January 13, 2020 at 08:45 AM | categories: Python, Mercurial | View Comments",
    "Quelle: Deutscher Jagdverband (DJV), 02. Februar 2022, Berlin",
])
def test_datelines_with_meta_and_source_lines_with_dates(line):
    assert is_furniture(line)


def test_a_source_line_with_a_sentence_stays():
    assert not is_furniture("Quelle: der Verband. Er hat die Zahlen am Montag veröffentlicht.")


@pytest.mark.parametrize("heading", ["About the author", "Über diese Reihe", "Über die Autorin"])
def test_an_about_box_near_the_end_cuts_the_tail(heading):
    assert cut_related_tail([*LONG, f"{heading}\nJane Doe writes about bridges."]) == LONG


def test_the_standfirst_goes_after_a_headline_the_extractor_kept():
    from workers.pipeline.lead import with_lead

    html = page(f"<h1>Bridge closes</h1><p>{STANDFIRST}</p><div>{PARAS}</div>", description=None)
    tree = lxml_html.fromstring(html)
    body = "The council voted on Tuesday to close the old bridge to lorries, after an inspection."
    assert with_lead(tree, ["Bridge closes", body], None) == ["Bridge closes", STANDFIRST, body]
    assert with_lead(tree, [body], LEAD) == [LEAD, STANDFIRST, body]
