"""Rules a precision audit on fresh wire news found missing (``eval/claims_audit.py --conll``, issue
17): on sentences written here, through ``build_pipeline()``; each next to what stays."""

from __future__ import annotations

import pytest
from claim_texts import attributed

pytestmark = pytest.mark.e2e


def only(pipeline, text: str) -> dict:
    [c] = attributed(pipeline, text)
    return c


# "X quoted Y as saying …": Y speaks, X reports

@pytest.mark.parametrize("text, speaker, reporter", [
    ("The harbour will reopen in May, the Baltic news agency quoted port director Ilse Mertens as saying.",
     "Ilse Mertens", "Baltic news agency"),
    ("The county gazette quoted the fire chief as saying that the blaze had been started deliberately.",
     "fire chief", "county gazette"),
    ("“We will not sell the club,” the radio station quoted chairman Pavel Dvorak as saying.",
     "Pavel Dvorak", "radio station"),
    ("The newspaper quoted the minister saying that the talks had collapsed overnight.", "minister", "newspaper"),
])
def test_the_quoted_person_speaks_the_quoting_source_reports(pipeline, text, speaker, reporter):
    c = only(pipeline, text)
    assert speaker in c["speaker"]["name"], c["speaker"]
    assert [reporter in r["name"] for r in c["reported_by"]] == [True], c["reported_by"]
    assert c["cue"]["lemma"] == "say"


def test_a_passive_quoted_speaker_stays_and_a_quoted_text_is_no_speaker(pipeline):
    c = only(pipeline, "The mayor was quoted as saying that the bridge would reopen in May.")
    assert "mayor" in c["speaker"]["name"] and c["reported_by"] == []
    got = attributed(pipeline, "The lawyer told the court that the contract had been signed under duress.")
    assert [x["speaker"]["name"] for x in got] == ["lawyer"]
