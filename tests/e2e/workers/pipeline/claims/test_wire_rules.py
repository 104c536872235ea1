"""Rules a precision audit on fresh wire news found missing (``eval/claims_audit.py --conll``, issue
17): on sentences written here, through ``build_pipeline()``; each next to what stays."""

from __future__ import annotations

import pytest
from claim_texts import attributed

from workers.pipeline.claims.context import DocContext
from workers.pipeline.claims.rules import lines
from workers.pipeline.nlp import model

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
    assert c["text"].split()[0] not in ("saying", "as"), c["text"]   # what was said, not the frame
    assert c["cue"]["lemma"] == "say"


def test_a_passive_quoted_speaker_stays_and_a_quoted_text_is_no_speaker(pipeline):
    c = only(pipeline, "The mayor was quoted as saying that the bridge would reopen in May.")
    assert "mayor" in c["speaker"]["name"] and c["reported_by"] == []
    got = attributed(pipeline, "The lawyer told the court that the contract had been signed under duress.")
    assert [x["speaker"]["name"] for x in got] == ["lawyer"]


# a colon line with no verb, mostly figures or only a name: a table's row or a label's value

def colon_claims(text: str) -> list[str]:
    """The speakers of the "<Speaker>: <statement>" lines the colon rule finds in ``text``."""
    d = DocContext(text, [(0, model("en")(text))])
    return [text[a.speaker[0]:a.speaker[1]] for a in lines.colon_rule(d, [])]


@pytest.mark.parametrize("text", [
    "CRICKET RESULTS\nLeicester: Rutland 259 and 207 (J. Bell 69, K. Moss 71; P. Hart 4-43), Derby 114 and 81-3.\n"
    "Bristol: Somerford 312 (T. Lane 104), Avonmore 98-2.",
    "Northshire innings\nBowling: Carter 7-0-29-0, de Vries 4-0-25-1, Okafor 9.5-0-44-2\n"
    "Southshire innings\nBowling: Mendes 10-1-38-3, Olsen 8-0-41-0, Park 6.2-0-30-2",
    "The home side won by six wickets.\nMan of the Match: Tomas van der Berg",
    # the tagger takes a county for a verb: a capitalised "verb" among figures is still a name
    "County scores on Friday.\nNottingham: Lancashire 301 and 96-2, Derbyshire 188 (K. Hall 61 not out, P. Reed 42; "
    "T. Lowe 5-40).",
])
def test_a_table_row_or_a_labels_value_is_no_statement(text):
    assert colon_claims(text) == []


@pytest.mark.parametrize("text, speaker", [
    ("Harbour Master Keller: The ferry will stop running in June.", "Harbour Master Keller"),
    ("Coach Marta Ruiz: Three new players, 12 million euros, one goal: the title.", "Coach Marta Ruiz"),
    ("Harbour Master Keller: 40 ferries, 12 of them unsafe, will stop running in 2025.", "Harbour Master Keller"),
    ("New Poll: Hill 41%, Moreno 38%, undecided 21%", "New Poll"),   # a poll's finding
])
def test_a_colon_line_that_says_something_stays(text, speaker):
    assert colon_claims(text) == [speaker]


# a speaker's name is its head, not a place or a body that only says which people

@pytest.mark.parametrize("text, name", [
    ("Deutsche Bank traders said the bond sale would go ahead in May.", "Deutsche Bank traders"),
    ("Siemens engineers said the turbine would be repaired by June.", "Siemens engineers"),
    ("Representatives of Nordbank, Baltic Trust and Hansa Credit said the banks do not comment on rumours.",
     "Representatives of Nordbank, Baltic Trust and Hansa Credit"),
    ("The Corriere della Citta said the mayor would resign before the summer.", "Corriere della Citta"),
])
def test_the_speakers_name_is_its_head(pipeline, text, name):
    assert only(pipeline, text)["speaker"]["name"] == name


@pytest.mark.parametrize("text, name", [
    ("Nordbank said the merger would close in May.", "Nordbank"),
    ("Hamburg's port authority said the strike would go on until Monday.", "port authority"),
    ("Spokeswoman Ilse Mertens of the Hamburg port authority said the strike would go on.", "Ilse Mertens"),
])
def test_a_named_speaker_keeps_its_name(pipeline, text, name):
    assert name in only(pipeline, text)["speaker"]["name"]


# a date owns no statement

def test_a_dates_announcement_names_no_source(pipeline):
    c = only(pipeline, "Shares of Varga Foods rose on Friday after Thursday's announcement that the bakery chain "
                       "had agreed to be bought by a Dutch rival.")
    assert c["cue"]["lemma"] == "announcement" and c["speaker"] is None
    c = only(pipeline, "The minister's announcement that the border would reopen in March surprised the hauliers.")
    assert c["speaker"]["name"] == "minister's"


# a person described by a common noun is a he or a she for the next sentence

@pytest.mark.parametrize("text, name", [
    ("A police officer said the patrol had come under fire near the border. He said two men were hurt.",
     "police officer"),
    ("The unnamed sergeant told the radio station the convoy was late. He admitted that the map had been wrong.",
     "unnamed sergeant"),
])
def test_a_described_person_is_the_next_pronouns_antecedent(pipeline, text, name):
    got = attributed(pipeline, text)
    assert [c["speaker"]["name"] for c in got] == [name, name]


def test_people_in_the_plural_are_no_he(pipeline):
    got = attributed(pipeline, "Two police officers said the road was closed. He said the bridge was unsafe.")
    assert got[0]["speaker"]["name"] == "Two police officers" and got[-1]["speaker"]["name"] == "He"


# "one said" after a plural source: one of them

def test_one_of_the_plural_source_just_named(pipeline):
    got = attributed(pipeline, "Grain traders said wheat eased on Friday.\n"
                               "“I still think we will see higher prices by October,” one said.")
    assert [c["speaker"]["name"] for c in got] == ["Grain traders", "one of the Grain traders"]
    got = attributed(pipeline, "The minister said wheat eased. “We will see higher prices by October,” one said.")
    assert got[-1]["speaker"]["name"] == "one"   # no plural source: left as it is
