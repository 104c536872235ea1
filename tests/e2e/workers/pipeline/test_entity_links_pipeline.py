"""The entity stage's real output, stored through the real store: documents that only use a short form
("Mr Thae", "RUSI", "Byrne") are found under the full form another document defined, in either arrival
order, and the stored documents are exactly what ``build_pipeline()`` produced (no mocks, real Redis)."""

from __future__ import annotations

import pytest

from workers.pipeline import build_pipeline

FULL = ("Thae Yong Ho, a former North Korean diplomat who defected in 2016, told lawmakers in Seoul that "
        "Pyongyang was shipping shells to Russia. Mr Thae said analysts at the Royal United Services Institute "
        "(RUSI) had seen the same evidence. Jack Byrne, a weapons researcher, said the missile used Western "
        "parts. Mr Byrne said the parts were bought through China.")
SHORT = ("Mr Thae said on Tuesday that the shells were old and often failed, according to researchers at "
         "RUSI in London. Byrne said export controls were failing.")


@pytest.fixture(scope="module")
def analysed() -> tuple[dict, dict]:
    full, short = build_pipeline().run_many([{"text": FULL, "source": "BBC"}, {"text": SHORT, "source": "AP"}])
    return full, short


def owner(doc: dict, surface: str) -> dict:
    (ent,) = [e for e in doc["entities"] if any(m["text"] == surface for m in e["mentions"])]
    return ent


@pytest.mark.parametrize("order", ["full first", "short first"])
async def test_real_short_forms_link_to_full_forms(analysed, store, redis, order):
    full, short = analysed
    for doc in (full, short) if order == "full first" else (short, full):
        await store.save_document(doc, 10.0)
    pairs = [(owner(full, "Thae Yong Ho"), owner(short, "Thae")), (owner(full, "RUSI"), owner(short, "RUSI")),
             (owner(full, "Jack Byrne"), owner(short, "Byrne"))]
    for long_form, short_form in pairs:
        # the stage gave the short-form document its own key, and the full form lists it as an alias
        assert short_form["id"] != long_form["id"]
        assert short_form["id"].split(":", 1)[1] in long_form["aliases"]
        for key in (long_form["id"], short_form["id"]):
            docs = await store.entity_documents(key)
            assert {i["id"] for i in docs["items"]} == {full["id"], short["id"]}, key
            ent = await store.get_entity(key)
            assert ent["id"] == long_form["id"] and ent["document_count"] == 2
            assert ent["linked"] == [short_form["id"]]
        listed = await store.list_documents(entity=long_form["id"], source="AP")
        assert [i["id"] for i in listed["items"]] == [short["id"]]
    found = await store.search_entities("thae")
    assert [(e["id"], e["document_count"]) for e in found] == [(owner(full, "Thae Yong Ho")["id"], 2)]
    # the documents are stored exactly as the pipeline produced them
    for doc in (full, short):
        stored = await store.get_document(doc["id"])
        assert {k: stored[k] for k in doc} == doc
