"""spaCy makes a new ``Token`` on every access (``doc[i]``, ``t.head``, iteration), so tokens are
compared by index (or ``==``), never by identity: a root is ``t.head.i == t.i``. Parses are built
by hand (``Doc(words, heads, deps)``), no model."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from workers.pipeline.claims.chunks import ChunkTokens
from workers.pipeline.claims.descriptions import PersonDescriptions
from workers.pipeline.claims.mentions import Mention, MentionIndex, span_root

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[5]


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


def test_no_identity_comparison_of_a_tokens_head_in_the_pipeline():
    """``x.head is x`` is always False (and ``is not`` always True): compare ``.i``."""
    bad = []
    for p in sorted((ROOT / "workers" / "pipeline").rglob("*.py")):
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if not isinstance(n, ast.Compare):
                continue
            sides = [n.left, *n.comparators]
            for op, a, b in zip(n.ops, sides, sides[1:]):
                if isinstance(op, (ast.Is, ast.IsNot)) and not isinstance(a, ast.Constant) \
                        and not isinstance(b, ast.Constant) and ".head" in ast.unparse(a) + ast.unparse(b):
                    bad.append(f"{p.relative_to(ROOT)}:{n.lineno}: {ast.unparse(n)}")
    assert not bad, bad
