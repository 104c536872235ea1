"""Each attribution rule family (``workers/pipeline/claims/rules/``) on sentences written here,
called directly through its one signature (a parsed chunk + the shared context in, candidate
attributions out). Needs the spaCy model for the parse."""

from __future__ import annotations

import pytest

from workers.pipeline.claims.context import ChunkContext, DocContext
from workers.pipeline.claims.extract import according_phrases, cue_tokens, extract
from workers.pipeline.claims.options import ClaimOptions
from workers.pipeline.claims.rules import (
    DOC_RULES, RULES, according, adjectives, direct_quotes, lines, nouns, perspective, verb_cues,
)
from workers.pipeline.nlp import model

pytestmark = pytest.mark.e2e


def chunk(text: str, options: ClaimOptions | None = None) -> ChunkContext:
    sdoc = model("en")(text)
    d = DocContext(text, [(0, sdoc)], options)
    c = ChunkContext(d, 0, 0, sdoc, cue_tokens(d, 0, 0, sdoc), {})
    c.according = according_phrases(d, 0, sdoc)
    return c


def run(rule, text: str, before=()) -> tuple[ChunkContext, list]:
    """Run the rules in ``before`` (as the table would), then ``rule``; its new attributions."""
    c = chunk(text)
    for r in before:
        c.found.extend(r(c))
    return c, rule(c)


def words(text: str, span) -> str:
    return text[span[0]:span[1]]


def test_the_table_runs_every_family_in_order():
    assert RULES == (direct_quotes.rule, verb_cues.rule, adjectives.rule, nouns.rule, according.rule, perspective.rule)
    assert DOC_RULES == (lines.colon_rule, lines.headline_rule, lines.dash_rule, lines.block_rule, lines.citation_rule,
                         direct_quotes.continued_rule, nouns.view_of_rule, according.points_back_rule)


@pytest.mark.parametrize("text", [
    "“The ferry will stop running in June,” said Maria Keller, the harbour master.",
    "Maria Keller said: “The ferry will stop running in June.”",
])
def test_direct_quote_attaches_to_the_adjacent_cue(text):
    c, [a] = run(direct_quotes.rule, text)
    assert a.how == "quote" and a.direct and a.cue.text == "said"
    assert words(text, a.speaker) == "Maria Keller"
    assert [words(text, s) for s in a.content] == [text[text.index("“"):text.index("”") + 1]]
    assert c.done_cues, "a cue that took a quote is not read again for reported speech"


def test_a_quote_of_two_words_without_punctuation_is_no_speech():
    text = "The report called the scheme “deeply flawed” and asked for a review."
    _, atts = run(direct_quotes.rule, text)
    assert atts == []


def test_verb_cue_takes_its_clausal_complement():
    text = "The chief engineer said that the new pumps would be installed before the floods."
    _, [a] = run(verb_cues.rule, text)
    assert a.how == "ccomp" and not a.direct and a.cue.lemma == "say" and a.cue.stance == "assert"
    assert words(text, a.speaker) == "The chief engineer"
    assert [words(text, s) for s in a.content] == ["the new pumps would be installed before the floods"]


def test_verb_cue_chain_is_reported_by_the_outer_speaker():
    text = "The spokesman said that several scientists believe the glacier is shrinking."
    c, [a] = run(verb_cues.rule, text)
    assert a.how == "chain" and a.cue.lemma == "believe"
    assert words(text, a.speaker) == "several scientists"
    [(rep, cue)] = a.reported_by
    assert words(text, rep) == "The spokesman" and cue.lemma == "say"
    assert any(t.text == "believe" and t.i in c.chained for t in c.sdoc)


def test_agentless_passive_has_no_speaker():
    text = "The airline was criticized for the cancellation of hundreds of flights."
    _, [a] = run(verb_cues.rule, text)
    assert a.how == "passive0" and a.speaker is None
    assert "The airline" in [words(text, s) for s in a.content]


def test_verb_cue_does_not_read_an_action_verb():
    text = "The farmer repaired the old fence behind the barn on Sunday."
    _, atts = run(verb_cues.rule, text)
    assert atts == []


def test_adjective_cue_with_a_that_clause():
    text = "The teachers are confident that the new timetable will work."
    _, [a] = run(adjectives.rule, text)
    assert a.how == "adj" and a.cue.text == "are confident"
    assert words(text, a.speaker) == "The teachers"
    assert [words(text, s) for s in a.content] == ["the new timetable will work"]


def test_noun_cue_owned_by_a_speaker():
    text = "The senator's claim that fuel prices will fall surprised the analysts."
    _, [a] = run(nouns.rule, text)
    assert a.how == "noun" and a.cue.text == "claim"
    assert "senator" in words(text, a.speaker)
    assert [words(text, s) for s in a.content] == ["fuel prices will fall"]


def test_noun_cue_needs_an_owner():
    text = "The claim that fuel prices will fall surprised the analysts."
    _, atts = run(nouns.rule, text)
    assert atts == []


def test_according_to_without_a_cue_verb():
    text = "According to the national weather office, the heatwave will last until Friday."
    _, [a] = run(according.rule, text, before=RULES[:4])
    assert a.how == "according" and a.cue.text == "According to"
    assert words(text, a.speaker) == "the national weather office"
    assert [words(text, s) for s in a.content] == ["the heatwave will last until Friday"]


def test_according_to_after_a_content_reports_that_attribution():
    text = "The coach says the stadium is ready for the final, according to the local radio."
    c, new = run(according.rule, text, before=RULES[:4])
    assert new == []
    [a] = c.found
    assert [words(text, s) for s in a.content] == ["the stadium is ready for the final"]
    [(rep, cue)] = a.reported_by
    assert words(text, rep) == "the local radio" and cue.lemma == "according to"


def test_perspective_noun_owned_by_a_speaker():
    text = "In his view, the new tax will hurt small shops in the region."
    _, [a] = run(perspective.rule, text)
    assert a.how == "perspective" and a.cue.lemma == "in view" and a.cue.stance == "belief"
    assert words(text, a.speaker) == "his"
    assert [words(text, s) for s in a.content] == ["the new tax will hurt small shops in the region"]


def doc_rule(rule, text: str):
    sdoc = model("en")(text)
    d = DocContext(text, [(0, sdoc)])
    return rule(d, [])


def test_colon_line_names_its_speaker():
    text = "Harbour Master Keller: The ferry will stop running in June."
    [a] = doc_rule(lines.colon_rule, text)
    assert a.how == "colon" and a.cue.text == ":"
    assert words(text, a.speaker) == "Harbour Master Keller"
    assert [words(text, s) for s in a.content] == ["The ferry will stop running in June"]


def test_section_label_is_not_a_speaker():
    assert doc_rule(lines.colon_rule, "Update: The ferry will stop running in June.") == []


def test_dash_signed_quotation():
    text = "“The ferry has carried my family for three generations.”\n― Ana Torres, 52, Porto"
    [a] = doc_rule(lines.dash_rule, text)
    assert a.direct and words(text, a.speaker) == "Ana Torres"


def test_block_quotation_after_a_speech_verb():
    text = "The harbour master wrote:\n\nThe ferry will stop running in June because of repairs."
    [a] = doc_rule(lines.block_rule, text)
    assert a.how == "block" and a.cue.lemma == "write"
    assert words(text, a.speaker) == "The harbour master"
    assert words(text, a.content[0]).startswith("The ferry will stop")


def test_block_needs_a_speech_verb():
    text = "The results were as follows:\n\nThe ferry will stop running in June because of repairs."
    assert doc_rule(lines.block_rule, text) == []


def test_cue_options_reach_the_rules():
    """``ClaimOptions.cue_drop`` vetoes lexicon cues the detector scores below it: at 1.0 every
    cue verb the detector scores goes, at 0.0 none does."""
    text = "The chief engineer said that the new pumps would be installed before the floods."
    sdoc = model("en")(text)
    kept, _ = extract(text, [(0, sdoc)], ClaimOptions(cue_drop=0.0))
    dropped, _ = extract(text, [(0, sdoc)], ClaimOptions(cue_drop=1.0))
    assert [a.cue.lemma for a in kept] == ["say"] and dropped == []
    off, _ = extract(text, [(0, sdoc)], ClaimOptions(cue_model="none", cue_drop=1.0))
    assert [a.cue.lemma for a in off] == ["say"], "no detector: the lexicon alone decides"


@pytest.mark.parametrize("text,cue,how,content", [
    ("The nurses said the ward was full.", "said", "ccomp", "the ward was full"),
    ("The minister urged farmers to plant more wheat.", "urged", "xcomp", "to plant more wheat"),
    ("The union called for a new wage deal.", "called", "prep", "a new wage deal"),
    ("The firm repeated its claim that the water was clean.", "repeated", "claimnoun", "that the water was clean"),
    ("The mayor denied the rumours about the budget.", "denied", "dobj", "the rumours about the budget"),
    ("The plan was endorsed by the union.", "endorsed", "passive", "The plan"),
])
def test_content_cascade_steps(text, cue, how, content):
    from workers.pipeline.claims.contents import CONTENT_STEPS, _content_tokens

    doc = model("en")(text)
    v = next(t for t in doc if t.text == cue)
    toks, got = _content_tokens(v)
    assert got == how and " ".join(t.text for t in sorted(toks, key=lambda t: t.i)) == content
    # the step that names it finds it on its own
    assert any(s(v, v.lemma_.lower(), False) == (toks, how) for s in CONTENT_STEPS)


def test_content_cascade_finds_nothing_for_an_action_verb():
    from workers.pipeline.claims.contents import _content_tokens

    doc = model("en")("The farmer repaired the fence.")
    assert _content_tokens(next(t for t in doc if t.text == "repaired")) is None
