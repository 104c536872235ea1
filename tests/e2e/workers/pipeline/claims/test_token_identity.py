"""spaCy makes a new ``Token`` on every access (``doc[i]``, ``t.head``, iteration), so tokens are
compared by index (or ``==``), never by identity: a root is ``t.head.i == t.i``. Parses are built
by hand (``Doc(words, heads, deps)``) except for the reported-speech chain (the spaCy model)."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from workers.pipeline.claims.chunks import ChunkTokens
from workers.pipeline.claims.context import DocContext
from workers.pipeline.claims.descriptions import PersonDescriptions
from workers.pipeline.claims.mentions import Mention, MentionIndex, span_root
from workers.pipeline.claims.rules.verb_cues import _chain
from workers.pipeline.nlp import model

pytestmark = pytest.mark.e2e


def parsed(words: list[str], heads: list[int], deps: list[str]) -> Doc:
    return Doc(Vocab(), words=words, heads=heads, deps=deps)


def test_a_token_is_never_itself_by_identity_but_equal_by_index():
    doc = parsed(["Warren", "spoke"], [1, 1], ["nsubj", "ROOT"])
    root = doc[1]
    assert root.head is not root          # why ``is`` cannot find a root
    assert root.head == root and root.head.i == root.i and hash(root.head) == hash(root)
    assert doc[0] != doc[1]


def test_span_root_of_a_speaker_span_holding_its_sentence_root():
    # a fragment line "Elizabeth Warren of Massachusetts": the span's head is the sentence root
    doc = parsed(["Elizabeth", "Warren", "of", "Massachusetts"], [1, 1, 1, 2], ["compound", "ROOT", "prep", "pobj"])
    root = span_root(ChunkTokens([(0, doc)]), 0, len(doc.text))
    assert root is not None and root.text == "Warren"


def test_span_root_of_a_span_inside_a_sentence_is_the_token_whose_head_lies_outside():
    doc = parsed(["Elizabeth", "Warren", "said", "so"], [1, 2, 2, 2], ["compound", "nsubj", "ROOT", "advmod"])
    assert span_root(ChunkTokens([(0, doc)]), 0, len("Elizabeth Warren")).text == "Warren"


def test_a_person_mentions_head_is_its_sentence_root_when_it_holds_one():
    # "Warren of Massachusetts" alone: the root, not the last word
    doc = parsed(["Warren", "of", "Massachusetts"], [0, 0, 1], ["ROOT", "prep", "pobj"])
    text = doc.text
    pd = PersonDescriptions(text, MentionIndex([]), ChunkTokens([(0, doc)]), True, [(0, len(text))],
                            lambda p: 0, lambda a, b: False)
    head, ids = pd._head(Mention(0, len(text), text, "Warren", "person:warren", "PERSON"))
    assert head.text == "Warren" and ids == {0, 1, 2}


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
