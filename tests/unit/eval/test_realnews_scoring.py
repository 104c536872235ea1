"""The matching and speaker rules of eval/attribution_realnews.py (a script, loaded by path)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[3] / "eval" / "attribution_realnews.py"
_spec = importlib.util.spec_from_file_location("attribution_realnews", _PATH)
rn = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rn)

TEXT = ("Rep. Mark Meadows said on Monday that the “deal is\n  dead”. His wife Debbie Meadows told "
        "reporters the deal is dead. Officials said the talks would resume.")


def claim(text: str, content: str, speaker: str | None = None, name: str | None = None,
          reported_by: list[dict] | None = None, kind: str = "indirect") -> dict:
    start = text.index(content)
    sp = {"text": speaker, "name": name} if speaker or name else None
    return {"kind": kind, "spans": [{"start": start, "end": start + len(content)}], "speaker": sp,
            "reported_by": reported_by or [], "text": content}


def test_locate_normalises_quotes_whitespace_and_case_and_takes_the_nth():
    a, b = rn.locate(TEXT, 'the "Deal is dead"')
    assert TEXT[a:b] == "the “deal is\n  dead”"
    a2, b2 = rn.locate(TEXT, "the deal is dead")      # only the plain second occurrence matches
    assert TEXT[a2:b2] == "the deal is dead" and a2 > b
    assert rn.locate(TEXT, "deal", nth=2)[0] == TEXT.index("deal is dead.")
    assert rn.locate(TEXT, "no such phrase") is None


@pytest.mark.parametrize("content, expected", [
    ("the talks would resume.", True),            # key wholly inside
    ("talks would resume.", True),                # 3 of 4 words inside
    ("would resume.", False),                     # 2 of 4: not most
])
def test_match_needs_most_of_the_key_words_inside_the_content(content, expected):
    key = rn.locate(TEXT, "the talks would resume")
    start = TEXT.index(content)
    assert rn.matches(TEXT, key, [(start, start + len(content))]) is expected


FORMS = ["Mark Meadows", "Meadows", "Rep. Mark Meadows"]


def test_the_resolved_name_decides_over_the_mention_text():
    wrong = claim(TEXT, "the deal is dead", speaker="Meadows", name="Debbie Meadows")
    right = claim(TEXT, "the deal is dead", speaker="He", name="Mark Meadows")
    assert not rn.speaker_ok(wrong, FORMS, ["debbie meadows"])
    assert rn.speaker_ok(right, FORMS, ["debbie meadows"])


def test_a_surname_counts_only_when_no_other_person_shares_it():
    c = claim(TEXT, "the deal is dead", speaker="Meadows")
    assert rn.speaker_ok(c, FORMS, [])
    assert not rn.speaker_ok(c, FORMS, ["debbie meadows"])
    assert rn.speaker_ok(claim(TEXT, "the deal is dead", speaker="Mr Meadows"), FORMS, [])


def test_title_prefixed_descriptions_and_chains():
    assert rn.speaker_ok(claim(TEXT, "the deal is dead", speaker="Republican Rep. Mark Meadows"), FORMS, [])
    assert rn.speaker_ok(claim(TEXT, "the talks would resume", speaker="officials"), ["officials"], [])
    assert not rn.speaker_ok(claim(TEXT, "the talks would resume", speaker="reporters"), ["officials"], [])
    chain = claim(TEXT, "the deal is dead", speaker="reporters",
                  reported_by=[{"text": "Rep. Mark Meadows", "name": "Mark Meadows"}])
    assert rn.speaker_ok(chain, FORMS, [])


def test_score_doc_recall_speaker_precision_and_neutral_stance():
    doc = {"text": TEXT, "entities": [{"text": "Debbie Meadows", "label": "PERSON"}], "claims": [
        claim(TEXT, "the talks would resume", speaker="Officials"),
        claim(TEXT, "the deal is dead", speaker="Meadows", name="Debbie Meadows"),  # found, wrong speaker
        claim(TEXT, "said on Monday", speaker="Rep. Mark Meadows"),                 # matches no gold: false
        claim(TEXT, "reporters", speaker="Debbie Meadows"),                         # only a stance item: neutral
        {"kind": "unattributed", "spans": [], "speaker": None, "text": "x"},
    ]}
    gold = [
        {"content": "the talks would resume", "speaker": ["officials"], "kind": "indirect"},
        {"content": "the deal is dead", "speaker": FORMS, "kind": "mixed"},   # the plain (second) occurrence
        {"content": "told reporters", "speaker": ["Debbie Meadows"], "kind": "stance"},
        {"content": "His wife Debbie", "speaker": ["x"], "kind": "indirect", "optional": True},
        {"content": "“deal is dead”", "speaker": FORMS, "kind": "direct"},
    ]
    r = rn.score_doc(doc, gold)
    assert (r["gold"], r["found"], r["speaker"]) == (3, 2, 1)
    assert (r["claims"], r["correct"], r["neutral"]) == (3, 2, 1)
    assert [g["content"] for g in r["missed"]] == ["“deal is dead”"]
    assert [g["content"] for g, *_ in r["wrong_speaker"]] == ["the deal is dead"]
    assert [c["text"] for c, _ in r["false"]] == ["said on Monday"]


def test_set_names_all_never_includes_the_check_split():
    assert rn.parse_sets("all") == ["realnews", "seeds"]
    assert rn.parse_sets("check") == ["check"]
    assert rn.parse_sets("realnews,check,realnews") == ["realnews", "check"]
    assert rn.parse_sets("fresh2") == ["fresh2"]
    assert rn.parse_sets("all,fresh2") == ["realnews", "seeds", "fresh2"]
    with pytest.raises(ValueError):
        rn.parse_sets("test")


def test_the_check_split_is_well_formed_and_disjoint_from_the_tuned_pages():
    gold = json.loads(rn.GOLD.read_text(encoding="utf-8"))
    assert "never tune" in gold["check_note"].lower()
    tuned = {a["file"] for a in gold["articles"]}
    files = [a["file"] for a in gold["check"]]
    assert len(files) == len(set(files)) and not tuned & set(files)
    for art in gold["check"]:
        assert art["url"] and isinstance(art.get("not_attributions", []), list)
        for g in art["attributions"]:
            assert g["content"].strip() and g["speaker"] and all(f.strip() for f in g["speaker"])
            assert g["kind"] in {"direct", "indirect", "mixed", "stance"}
            assert set(g) <= {"content", "nth", "speaker", "kind", "cue", "optional"}
