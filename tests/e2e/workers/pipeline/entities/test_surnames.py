"""Entity stage: two people with one surname in one document keep their own bare surnames.

Runs the real pipeline (``build_pipeline()``) on paragraphs written for these tests and checks
which entity each bare surname mention ends up in.
"""

from __future__ import annotations

import pytest

from workers.pipeline import build_pipeline
from workers.pipeline.entities.surnames import shared_surname_moves


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline()


def owners(doc: dict, surface: str) -> list[str]:
    """Entity id of each mention whose text is exactly ``surface``, in text order."""
    found = sorted((m["start"], e["id"]) for e in doc["entities"] for m in e["mentions"] if m["text"] == surface)
    return [eid for _, eid in found]


def owner_at(doc: dict, start: int) -> str:
    return next(e["id"] for e in doc["entities"] for m in e["mentions"] if m["start"] == start)


def test_mr_and_mrs_go_to_the_husband_and_the_wife(pipeline):
    text = ("President Barack Obama and his wife, Michelle Obama, visited a school in Ohio on Tuesday.\n"
            "Mr. Obama spoke about the economy and the new jobs plan. Mrs. Obama talked to the pupils about "
            "healthy food. Later Mr. Obama met the governor, and Mrs. Obama visited a farm.")
    doc = pipeline.run({"text": text})
    mr = [owner_at(doc, text.index("Obama", i)) for i in _all(text, "Mr. Obama")]
    mrs = [owner_at(doc, text.index("Obama", i)) for i in _all(text, "Mrs. Obama")]
    assert mr == ["person:barack-obama"] * 2
    assert mrs == ["person:michelle-obama"] * 2
    ids = {e["id"]: e for e in doc["entities"]}
    assert ids["person:barack-obama"]["count"] == 3 and ids["person:michelle-obama"]["count"] == 3


def test_bare_surname_is_not_the_daughter_introduced_in_an_appositive(pipeline):
    text = ("Donald Trump unveiled a child-care plan on Tuesday. In a Wall Street Journal essay last week, "
            "Ivanka Trump, the nominee's eldest daughter, described the plight of single mothers. In an interview "
            "on Friday, Ivanka Trump acknowledged their uphill battle.\nTrump said the plan would be paid for by "
            "cutting fraud. Trump also promised six weeks of paid leave. Critics said Trump had not explained the cost.")
    doc = pipeline.run({"text": text})
    assert set(owners(doc, "Trump")) == {"person:donald-trump"}
    assert len(owners(doc, "Trump")) == 3
    ivanka = next(e for e in doc["entities"] if e["id"] == "person:ivanka-trump")
    assert all(m["text"] != "Trump" for m in ivanka["mentions"])


def test_office_title_picks_the_full_name_that_carries_it(pipeline):
    text = ("Sen. Paul Ostrander and his brother, Dr. Mark Ostrander, both spoke at the hearing on Tuesday.\n"
            "Dr. Ostrander said the clinic had run out of vaccine in March. "
            "Sen. Ostrander said the state would send more doses.")
    doc = pipeline.run({"text": text})
    dr = text.index("Ostrander", text.index("Dr. Ostrander said"))
    sen = text.index("Ostrander", text.index("Sen. Ostrander said"))
    assert owner_at(doc, dr) == "person:mark-ostrander"
    assert owner_at(doc, sen) == "person:paul-ostrander"


def test_mr_surname_against_the_one_full_name_of_a_woman_is_someone_else(pipeline):
    text = ("The first lady, Michelle Obama, will campaign in Ohio.\n"
            "Mr. Obama told the crowd that the election mattered. Mr. Obama said he would travel to Florida. "
            "President Obama also praised the volunteers.")
    doc = pipeline.run({"text": text})
    assert set(owners(doc, "Obama")) == {"person:obama"}
    assert owners(doc, "Michelle Obama") == ["person:michelle-obama"]


def test_one_surname_one_person_is_unchanged(pipeline):
    text = ("Senator Nora Quint of Vermont introduced the bill on Monday. Quint said the measure would lower "
            "drug prices. Ms. Quint added that she expected support from both parties.")
    doc = pipeline.run({"text": text})
    assert set(owners(doc, "Quint")) == {"person:nora-quint"}
    people = [(e["id"], e["text"], [(m["start"], m["end"]) for m in e["mentions"]])
              for e in doc["entities"] if e["label"] == "PERSON"]
    assert shared_surname_moves(text, people) == {}


def _all(text: str, sub: str) -> list[int]:
    out, i = [], text.find(sub)
    while i >= 0:
        out.append(i)
        i = text.find(sub, i + 1)
    return out


def test_courtesy_title_no_full_name_confirms_is_not_guessed_into_one(pipeline):
    # neither full name shows a gender: "Mrs." is no evidence for either, and the most recent full
    # name ("President Bill Clinton") would be a wrong guess
    text = ("The plan was drafted by aides to Hillary Clinton last spring. John Podesta, chief of staff to "
            "President Bill Clinton, now runs the campaign.\nMrs. Clinton has embraced the approach, promising "
            "to expand it. But Mrs. Clinton will face the same partisan fire.")
    doc = pipeline.run({"text": text})
    assert "person:bill-clinton" not in owners(doc, "Clinton")
