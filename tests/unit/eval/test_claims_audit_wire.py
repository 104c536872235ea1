"""The wire text of eval/claims_audit.py --conll (a script, loaded by path): CoNLL tokens re-joined,
quotation marks paired, and the speaker key that stores no text."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[3] / "eval" / "claims_audit.py"
_spec = importlib.util.spec_from_file_location("claims_audit", _PATH)
ca = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ca)

pytestmark = pytest.mark.unit


def toks(*sentences: str) -> list[list[str]]:
    return [s.split() for s in sentences]


def test_punctuation_clitics_and_brackets_close_up():
    assert ca.wire_text(toks("The firm , which earned $ 5 million ( 3 percent ) , said it did n't sell Smith 's shares .")) \
        == "The firm, which earned $5 million (3 percent), said it didn't sell Smith's shares."


def test_quotes_pair_and_a_quotation_over_two_sentences_keeps_its_line():
    text = ca.wire_text(toks('" We lost .', 'It hurts , " Berg said .', "The team flew home ."))
    assert text == '"We lost. It hurts," Berg said.\nThe team flew home.'


def test_a_quote_mark_split_off_to_the_end_of_a_sentence_opens_the_next():
    text = ca.wire_text(toks('" I am tired , " said Berg . "', "I will rest now . \""))
    assert text == '"I am tired," said Berg.\n"I will rest now."'


def test_a_new_paragraph_of_a_quotation_opens_again_and_single_quotes_nest():
    text = ca.wire_text(toks('" We lost .', '" I told myself , \' keep going , \' " Berg said .'))
    assert text == "\"We lost.\n\"I told myself, 'keep going,'\" Berg said."


def test_speaker_key_follows_the_name_and_stores_no_text():
    a = ca.speaker_key({"speaker": {"text": "he", "name": "Anna Berg"}})
    assert a == ca.speaker_key({"speaker": {"text": "Berg", "name": "anna  berg"}})
    assert a != ca.speaker_key({"speaker": {"text": "he", "name": "Carl Berg"}})
    assert len(a) == 8 and set(a) <= set("0123456789abcdef"), a   # a short hash, not the name
