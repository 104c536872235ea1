"""Titles of rank, office or occupation before a name, plural common nouns at a sentence start, and
street names: through the real pipeline (``build_pipeline()``) on sentences written for these tests.
"""

from __future__ import annotations

import pytest

from workers.pipeline import build_pipeline
from workers.pipeline.entities.person_names import clean_people
from workers.pipeline.entities.spans import Mention


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline()


def entities(pipeline, text: str) -> dict[str, dict]:
    return {e["id"]: e for e in pipeline.run({"text": text})["entities"]}


@pytest.mark.parametrize("text, wanted", [
    ("Police Inspector Tom Hale said two men were arrested near the docks. Hale gave no names.",
     ["person:tom-hale"]),
    ("The school stayed shut on Tuesday. Superintendent Maria Lopez said the boiler would be fixed.",
     ["person:maria-lopez"]),
    ("Detective Sergeant John Marsh said the suspect fled. Chief Constable Sara Thorne praised the officers.",
     ["person:john-marsh", "person:sara-thorne"]),
    ("The service was led by Bishop Paul Grey, and Father Brian Kelly read the lesson.",
     ["person:paul-grey", "person:brian-kelly"]),
])
def test_rank_and_office_titles_are_not_part_of_the_name(pipeline, text, wanted):
    ents = entities(pipeline, text)
    for key in wanted:
        assert key in ents and ents[key]["label"] == "PERSON", (key, sorted(ents))
    for e in ents.values():
        first = e["text"].split()[0]
        assert first not in ("Police", "Inspector", "Superintendent", "Detective", "Sergeant", "Chief",
                             "Constable", "Bishop", "Father"), e


def test_title_and_name_in_a_non_person_span_is_the_person():
    """The model's WORK_OF_ART "Superintendent Maria Lopez": the name, as a PERSON — by its look, or
    because the document names the person so elsewhere; "Captain America" is left alone."""
    text = ("Superintendent Maria Lopez spoke first. Commissioner Hale agreed with Hale. "
            "Captain America opened in Paris.")
    s1, s2, s3 = text.index("Superintendent"), text.index("Commissioner"), text.index("Captain")
    hale = text.rindex("Hale")
    mentions = [Mention(s1, s1 + len("Superintendent Maria Lopez"), "WORK_OF_ART"),
                Mention(s2, s2 + len("Commissioner Hale"), "ORG"),
                Mention(hale, hale + 4, "PERSON"),
                Mention(s3, s3 + len("Captain America"), "WORK_OF_ART"),
                Mention(text.index("Paris"), text.index("Paris") + 5, "GPE")]
    out = {text[m.start:m.end]: m.label for m in clean_people(text, mentions)}
    assert out["Maria Lopez"] == "PERSON"
    assert out["Hale"] == "PERSON" and "Commissioner Hale" not in out
    assert out["Captain America"] == "WORK_OF_ART"


@pytest.mark.parametrize("text, word", [
    ("Paramedics said the fire had spread to the roof of the Grand Hotel.", "Paramedics"),
    ("Shoppers arrived at the scene within minutes. Most shoppers left.", "Shoppers"),
])
def test_plural_common_noun_at_sentence_start_is_no_entity(pipeline, text, word):
    ents = entities(pipeline, text)
    assert not any(m["text"] == word for e in ents.values() for m in e["mentions"]), sorted(ents)


@pytest.mark.parametrize("text, key", [
    ("Americans voted on Tuesday. Many Americans stayed home.", "norp:american"),
    ("Rangers beat Celtic 2-1 on Saturday. Fans said Rangers deserved the win.", "org:rangers"),
    ("Shoppers arrived at the scene. The chain Shoppers said prices rose.", "org:shoppers"),
])
def test_plural_name_used_inside_sentences_stays(pipeline, text, key):
    assert key in entities(pipeline, text)


@pytest.mark.parametrize("text, key", [
    ("Firefighters said the blaze began in a kitchen on Rue Lepic.", "fac:rue-lepic"),
    ("Rue Lepic was closed after the fire, police said.", "fac:rue-lepic"),
])
def test_street_names_are_places_not_people(pipeline, text, key):
    ents = entities(pipeline, text)
    assert key in ents, sorted(ents)


@pytest.mark.parametrize("text, key", [
    ("The ships left Busan on Monday, officials said.", "place:busan"),
    ("The tanker sailed from Ulsan at dawn and the crew reached Mokpo by night.", "place:mokpo"),
])
def test_a_name_only_ever_where_places_go_is_a_place(pipeline, text, key):
    ents = entities(pipeline, text)
    assert key in ents, sorted(ents)


@pytest.mark.parametrize("text, key", [
    ("Police said Hale left Smith at the bar on Friday. Smith later went home.", "person:smith"),
    ("The ships left Busan on Monday. Busan said it was ready.", "person:busan"),
    ("Inspector Tom Hale left the station at noon, and reporters reached Hale by phone.", "person:tom-hale"),
])
def test_person_evidence_keeps_a_person(pipeline, text, key):
    assert key in entities(pipeline, text)


def test_took_to_a_platform_is_no_place_slot(pipeline):
    """"took to Twitter" is no journey: whatever the model calls Twitter, this rule makes no place of it."""
    ents = entities(pipeline, "Trump took to Twitter overnight to accuse the campaign. Aides were silent.")
    assert "place:twitter" not in ents, sorted(ents)
