"""Tokens compared by index, not identity (spaCy makes a new ``Token`` per access): the reported-
speech chain finds a content's root when that root is its sentence's root. Needs the spaCy model."""

from __future__ import annotations

import pytest

from workers.pipeline.claims.context import DocContext
from workers.pipeline.claims.rules.verb_cues import _chain
from workers.pipeline.nlp import model

pytestmark = pytest.mark.e2e


def test_a_chain_whose_content_holds_the_sentence_root():
    text = "Officials said the plan had failed. Reuters reported it."
    sdoc = model("en")(text)
    d = DocContext(text, [(0, sdoc)], None)
    first = list(next(iter(sdoc.sents)))
    assert any(x.head.i == x.i and x.lemma_ == "say" for x in first), "parse: 'said' roots the sentence"
    cue = next(x for x in sdoc if x.lower_ == "reported")
    spk = next(x for x in sdoc if x.text == "Reuters")
    found, inner = _chain(d, cue, "speech", 0, 0, spk, [x for x in first if not x.is_punct])
    assert inner is not None and inner.lower_ == "said"
    assert found is not None
    att = found[0]
    assert text[att.speaker[0]:att.speaker[1]] == "Officials"
    assert [text[s:e] for s, e in att.content] == ["the plan had failed"]
    assert [(text[s[0]:s[1]], c.text) for s, c in att.reported_by] == [("Reuters", "reported")]
