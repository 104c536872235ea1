"""Cross-document entity linking against a real redis-server: a document that only says "Thae" (key
``person:thae``) is found under ``person:thae-yong-ho`` once some document has "Thae" as an alias of
"Thae Yong Ho" — whichever arrives first; ambiguous aliases ("Kim") stay apart; re-saves never
double counts; deletes take links back. The documents themselves are stored exactly as given."""

from __future__ import annotations

import itertools

from factories import claim, document, entity
from test_store import _all_pages, assert_indexes_consistent

from shared import keys as K
from shared.ids import article_id

FULL_TEXT = (
    "Thae Yong Ho, a former North Korean diplomat, told the Royal United Services Institute (RUSI) that "
    "Pyongyang was selling shells to Russia. Mr Thae said RUSI had seen the evidence."
)
SHORT_TEXT = "Mr Thae said on Tuesday that the shells were old, according to analysts at RUSI."
SHORT_TEXT_2 = "Thae told reporters the regime was desperate."
KIM_UN_TEXT = "Kim Jong Un inspected a missile factory. Mr Kim praised the workers."
KIM_YO_TEXT = "Kim Yo Jong issued a statement. Ms Kim warned Seoul."
KIM_TEXT = "Kim said the talks were over."


def full_doc(**extra) -> dict:
    a = {"text": FULL_TEXT, "external_id": "full", "source": "BBC", **extra}
    t = a["text"]
    return document(a, [
        entity(t, None, "Thae Yong Ho", "PERSON", "Thae Yong Ho", "Thae", salience=0.9),
        entity(t, None, "Royal United Services Institute", "ORG", "Royal United Services Institute", "RUSI"),
        entity(t, None, "Russia", "GPE"),
    ], [])


def short_doc(text: str = SHORT_TEXT, external_id: str = "short") -> dict:
    a = {"text": text, "external_id": external_id, "source": "Reuters"}
    ents = [entity(text, None, "Thae", "PERSON", salience=0.8)]
    if "RUSI" in text:
        ents.append(entity(text, None, "RUSI", "ORG"))
    return document(a, ents, [])


def simple_doc(text: str, external_id: str, name: str, *surfaces: str) -> dict:
    return document({"text": text, "external_id": external_id}, [entity(text, None, name, "PERSON", *surfaces)], [])


async def save(store, doc: dict) -> str:
    """Submit the article (so it has a received time) and save its analysed document."""
    a = {k: doc[k] for k in ("text", "external_id", "source") if doc.get(k)}
    assert (await store.submit(a)).id == doc["id"] == article_id(a)
    await store.save_document(doc, 5.0)
    return doc["id"]


async def articles(store, key: str, limit: int = 10) -> list[str]:
    return await _all_pages(lambda **kw: store.entity_documents(key, **kw), limit)


async def test_factory_documents_have_real_ids_and_aliases():
    thae, rusi, _ = full_doc()["entities"]
    assert (thae["id"], thae["aliases"]) == ("person:thae-yong-ho", ["thae"])
    assert (rusi["id"], rusi["aliases"]) == ("org:royal-united-services-institute", ["rusi"])
    assert [e["id"] for e in short_doc()["entities"]] == ["person:thae", "org:rusi"]
    for doc in (full_doc(), short_doc()):
        for e in doc["entities"]:
            assert all(doc["text"][m["start"]:m["end"]] == m["text"] for m in e["mentions"])


async def _check_linked(store, redis, full_id: str, short_id: str) -> None:
    times = {i: await redis.zscore(K.IDX_TIME, i) for i in (full_id, short_id)}
    newest_first = sorted(times, key=lambda i: times[i], reverse=True)
    # the full form's articles include the document that only said "Thae" (and "RUSI")
    assert await articles(store, "person:thae-yong-ho") == newest_first
    assert await articles(store, "person:thae-yong-ho", limit=1) == newest_first  # paged over the union
    assert await articles(store, "org:royal-united-services-institute") == newest_first
    # asking by the short form resolves to the same canonical entity
    assert await articles(store, "person:thae") == newest_first
    ent = await store.get_entity("person:thae")
    assert ent["id"] == "person:thae-yong-ho" and ent["resolved_from"] == "person:thae"
    assert ent["document_count"] == 2 and ent["linked"] == ["person:thae"]
    assert "resolved_from" not in await store.get_entity("person:thae-yong-ho")
    # ?entity= filters likewise, and combines with other filters
    listed = await store.list_documents(entity="person:thae-yong-ho")
    assert [i["id"] for i in listed["items"]] == newest_first
    assert [i["id"] for i in (await store.list_documents(entity="person:thae-yong-ho", source="reuters"))["items"]] \
        == [short_id]
    # one search entry with the merged document count
    found = await store.search_entities("thae")
    assert [(e["id"], e["document_count"]) for e in found] == [("person:thae-yong-ho", 2)]
    rusi = await store.search_entities("rusi")
    assert [(e["id"], e["name"], e["document_count"]) for e in rusi] == [
        ("org:royal-united-services-institute", "Royal United Services Institute", 2)]
    top = await store.search_entities("", label="PERSON")
    assert [(e["id"], e["document_count"]) for e in top] == [("person:thae-yong-ho", 2)]
    await assert_indexes_consistent(redis)


async def test_short_form_arriving_after_the_full_form_is_linked(store, redis):
    full_id = await save(store, full_doc())
    short_id = await save(store, short_doc())
    await _check_linked(store, redis, full_id, short_id)


async def test_short_form_arriving_before_the_full_form_is_linked(store, redis):
    short_id = await save(store, short_doc())
    # alone, the short form is its own entity
    assert [(e["id"], e["document_count"]) for e in await store.search_entities("thae")] == [("person:thae", 1)]
    assert await articles(store, "person:thae") == [short_id]
    full_id = await save(store, full_doc())
    await _check_linked(store, redis, full_id, short_id)


async def test_every_arrival_order_gives_the_same_index(store, redis):
    docs = [full_doc(), short_doc(), short_doc(SHORT_TEXT_2, "short2")]
    results = set()
    for perm in itertools.permutations(docs):
        await redis.flushall()
        for d in perm:
            await save(store, d)
        found = await store.search_entities("thae")
        results.add(tuple((e["id"], e["document_count"], tuple(e["linked"])) for e in found))
        assert sorted(await articles(store, "person:thae-yong-ho")) == sorted(d["id"] for d in docs)
    assert results == {(("person:thae-yong-ho", 3, ("person:thae",)),)}


async def test_ambiguous_alias_stays_separate(store, redis):
    un = await save(store, simple_doc(KIM_UN_TEXT, "kim-un", "Kim Jong Un", "Kim Jong Un", "Kim"))
    kim = await save(store, simple_doc(KIM_TEXT, "kim", "Kim"))
    # one full form with the alias: linked
    assert sorted(await articles(store, "person:kim-jong-un")) == sorted([un, kim])
    yo = await save(store, simple_doc(KIM_YO_TEXT, "kim-yo", "Kim Yo Jong", "Kim Yo Jong", "Kim"))
    # two full forms now claim "kim": the short form belongs to neither
    assert await articles(store, "person:kim-jong-un") == [un]
    assert await articles(store, "person:kim-yo-jong") == [yo]
    assert await articles(store, "person:kim") == [kim]
    ent = await store.get_entity("person:kim")
    assert ent["id"] == "person:kim" and "resolved_from" not in ent and ent["linked"] == []
    found = {e["id"]: e["document_count"] for e in await store.search_entities("kim")}
    assert found == {"person:kim-jong-un": 1, "person:kim-yo-jong": 1, "person:kim": 1}
    assert [i["id"] for i in (await store.list_documents(entity="person:kim-jong-un"))["items"]] == [un]
    # the ambiguity goes away with the document that caused it
    assert (await store.delete(yo))[0] == 1
    assert sorted(await articles(store, "person:kim-jong-un")) == sorted([un, kim])
    await assert_indexes_consistent(redis)


async def test_resave_is_idempotent(store, redis):
    full, short = full_doc(), short_doc()
    full_id, short_id = await save(store, full), await save(store, short)

    async def snapshot() -> dict:
        out = {}
        for pattern in ("nf:alias*", "nf:idx:entity:*", "nf:entities:*"):
            async for key in redis.scan_iter(match=pattern):
                out[key] = await redis.zrange(key, 0, -1, withscores=True)
        return out

    before = await snapshot()
    assert await redis.zscore(K.alias("person:thae"), "person:thae-yong-ho") == 1
    for _ in range(3):
        await store.save_document(full, 7.0)
        await store.save_document(short, 7.0)
    assert await snapshot() == before
    assert (await store.get_entity("person:thae-yong-ho"))["document_count"] == 2
    # a re-save whose analysis no longer has the alias takes its registration back
    no_alias = dict(full, entities=[dict(full["entities"][0], aliases=[])] + full["entities"][1:])
    await store.save_document(no_alias, 7.0)
    assert await redis.exists(K.alias("person:thae")) == 0
    assert await articles(store, "person:thae-yong-ho") == [full_id]
    assert await articles(store, "person:thae") == [short_id]
    await store.save_document(full, 7.0)
    assert await snapshot() == before
    await assert_indexes_consistent(redis)


async def test_delete_unlinks_and_stays_consistent(store, redis):
    full_id = await save(store, full_doc())
    short_id = await save(store, short_doc())
    short2_id = await save(store, short_doc(SHORT_TEXT_2, "short2"))
    assert (await store.get_entity("person:thae-yong-ho"))["document_count"] == 3
    # deleting a short-form document: the merged count drops by one
    assert (await store.delete(short_id))[0] == 1
    assert sorted(await articles(store, "person:thae-yong-ho")) == sorted([full_id, short2_id])
    assert (await store.get_entity("person:thae-yong-ho"))["document_count"] == 2
    # deleting the full-form document: the alias goes with it, the short form stands alone again
    assert (await store.delete(full_id))[0] == 1
    assert not [k async for k in redis.scan_iter(match=K.ALIAS_PREFIX + "*")]
    assert not [k async for k in redis.scan_iter(match=K.ALIASES_OF_PREFIX + "*")]
    assert await articles(store, "person:thae") == [short2_id]
    assert await articles(store, "person:thae-yong-ho") == []
    assert [(e["id"], e["document_count"]) for e in await store.search_entities("thae")] == [("person:thae", 1)]
    await assert_indexes_consistent(redis)


async def test_a_document_with_both_forms_counts_once(store, redis):
    # the stage failed to merge "Thae" into the full name in one document: both keys index it
    text = FULL_TEXT
    a = {"text": text, "external_id": "both"}
    doc = document(a, [entity(text, None, "Thae Yong Ho", "PERSON", "Thae Yong Ho", "Thae"),
                       dict(entity(text, "person:thae", "Thae", "PERSON", "Mr Thae"), aliases=[])], [])
    both_id = await save(store, doc)
    short_id = await save(store, short_doc())
    assert sorted(await articles(store, "person:thae-yong-ho", limit=1)) == sorted([both_id, short_id])
    assert (await store.get_entity("person:thae-yong-ho"))["document_count"] == 2


async def test_http_merged_entity_and_unchanged_documents(client, store, redis):
    full, short = full_doc(), short_doc()
    short_id = await save(store, short)
    full_id = await save(store, full)
    found = await (await client.get("/v1/entities?q=thae")).json()
    assert [(e["id"], e["document_count"], e["linked"]) for e in found["items"]] == [
        ("person:thae-yong-ho", 2, ["person:thae"])]
    page = await (await client.get("/v1/entities/person:thae-yong-ho/articles?limit=1")).json()
    rest = await (await client.get(f"/v1/entities/person:thae-yong-ho/articles?cursor={page['next_cursor']}")).json()
    assert [i["id"] for i in page["items"] + rest["items"]] == [full_id, short_id]
    by_short = await (await client.get("/v1/entities/person%3Athae/articles")).json()
    assert by_short["entity"]["id"] == "person:thae-yong-ho" and by_short["entity"]["resolved_from"] == "person:thae"
    listed = await (await client.get("/v1/articles?entity=person:thae-yong-ho")).json()
    assert [i["id"] for i in listed["items"]] == [full_id, short_id]
    # the linking lives in the index: documents come back exactly as the pipeline produced them
    for doc in (full, short):
        got = await (await client.get(f"/v1/articles/{doc['id']}")).json()
        assert got["entities"] == doc["entities"]


async def test_claim_search_follows_links(store, redis):
    a = {"text": FULL_TEXT, "external_id": "full"}
    t = FULL_TEXT
    thae = {"name": "Thae Yong Ho", "entity_id": "person:thae-yong-ho", "resolution": "explicit"}
    full = document(a, full_doc()["entities"], [
        claim(t, "c1", "Pyongyang was selling shells to Russia", "indirect", thae, ["place:russia"], 0.9)])
    s = {"text": SHORT_TEXT, "external_id": "short", "source": "Reuters"}
    short = document(s, short_doc()["entities"], [
        claim(SHORT_TEXT, "c1", "the shells were old", "indirect",
              {"name": "Thae", "entity_id": "person:thae", "resolution": "explicit"}, ["person:thae"], 0.5)])
    full_id, short_id = await save(store, full), await save(store, short)

    async def found(**kw) -> set[tuple[str, str]]:
        return {(c["document_id"], c["id"]) for c in (await store.search_claims(**kw))["items"]}

    both = {(full_id, "c1"), (short_id, "c1")}
    assert await found(speaker="person:thae-yong-ho") == both
    assert await found(speaker="person:thae") == both
    assert await found(entity="person:thae-yong-ho") == {(short_id, "c1")}
    assert await found(speaker="person:thae-yong-ho", entity="person:thae") == {(short_id, "c1")}
    assert await found(speaker="Thae Yong Ho") == {(full_id, "c1")}  # not a key: by speaker name


async def test_claimants_that_only_add_words_do_not_make_an_alias_ambiguous(store, redis):
    # the entity stage sometimes keeps a leading word in a name ("Crooked Hillary Clinton")
    hc = await save(store, simple_doc("Hillary Clinton spoke in Ohio. Clinton said she would win.", "hc",
                                      "Hillary Clinton", "Hillary Clinton", "Clinton"))
    junk = await save(store, simple_doc("Crooked Hillary Clinton, he called her. Clinton laughed.", "junk",
                                        "Crooked Hillary Clinton", "Crooked Hillary Clinton", "Clinton"))
    short = await save(store, simple_doc("Clinton said the plan was sound.", "c", "Clinton"))
    assert sorted(await articles(store, "person:hillary-clinton")) == sorted([hc, short])
    assert await articles(store, "person:crooked-hillary-clinton") == [junk]
    # but a second real person with the alias does
    bill = await save(store, simple_doc("Bill Clinton campaigned. Clinton was cheered.", "bc",
                                        "Bill Clinton", "Bill Clinton", "Clinton"))
    assert await articles(store, "person:hillary-clinton") == [hc]
    assert await articles(store, "person:clinton") == [short]
    assert await articles(store, "person:bill-clinton") == [bill]
    await assert_indexes_consistent(redis)


async def test_a_full_form_is_never_linked_to_a_longer_one(store, redis):
    # "Hillary Clinton" is the full form of "Clinton" in its own documents: even when another
    # document lists it as an alias of a longer name, it stays its own entity
    hc = await save(store, simple_doc("Hillary Clinton spoke in Ohio. Clinton said she would win.", "hc",
                                      "Hillary Clinton", "Hillary Clinton", "Clinton"))
    junk = await save(store, simple_doc("Crooked Hillary Clinton, he said. Hillary Clinton did not answer.",
                                        "junk", "Crooked Hillary Clinton", "Crooked Hillary Clinton",
                                        "Hillary Clinton"))
    assert (await store.get_entity("person:hillary-clinton"))["id"] == "person:hillary-clinton"
    assert await articles(store, "person:hillary-clinton") == [hc]
    assert await articles(store, "person:crooked-hillary-clinton") == [junk]


async def test_a_name_of_several_words_is_not_linked_into_a_longer_name(store, redis):
    foundation = await save(store, document(
        {"text": "The Hillary and Chelsea Clinton Foundation, or Chelsea Clinton as staff say, grew.",
         "external_id": "f"},
        [entity("The Hillary and Chelsea Clinton Foundation, or Chelsea Clinton as staff say, grew.", None,
                "Hillary and Chelsea Clinton Foundation", "PERSON", "Hillary and Chelsea Clinton Foundation",
                "Chelsea Clinton")], []))
    chelsea = await save(store, simple_doc("Chelsea Clinton spoke at the event.", "cc", "Chelsea Clinton"))
    assert await redis.zscore(K.alias("person:chelsea-clinton"), "person:hillary-and-chelsea-clinton-foundation")
    assert await articles(store, "person:chelsea-clinton") == [chelsea]
    assert await articles(store, "person:hillary-and-chelsea-clinton-foundation") == [foundation]
    # all the words in order, not next to each other
    center_text = "The George W. Bush Presidential Center, George Bush to staff, opened."
    center = await save(store, document({"text": center_text, "external_id": "gwb"}, [
        entity(center_text, None, "George W Bush Presidential Center", "PERSON", "George W. Bush Presidential Center",
               "George Bush")], []))
    bush = await save(store, simple_doc("George Bush spoke.", "gb", "George Bush"))
    assert await redis.zscore(K.alias("person:george-bush"), "person:george-w-bush-presidential-center")
    assert await articles(store, "person:george-bush") == [bush]
    assert await articles(store, "person:george-w-bush-presidential-center") == [center]


async def test_resolution_in_several_script_calls_gives_the_same_answer(store, redis, monkeypatch):
    import shared.store.search

    await save(store, full_doc())
    await save(store, short_doc())
    await save(store, short_doc(SHORT_TEXT_2, "short2"))
    expected = await store.search_entities("")
    monkeypatch.setattr(shared.store.search, "_GROUPS_PER_CALL", 1)
    assert await store.search_entities("") == expected
    assert [(e["id"], e["document_count"]) for e in await store.search_entities("thae")] == [
        ("person:thae-yong-ho", 3)]
