"""Claim-stage pieces that need no parse: the typed records and their JSON, the options, the
attribution filters, span trimming, speaker resolution without a parse, quantities."""

from __future__ import annotations

import dataclasses

import pytest

from workers.pipeline.claims.filters import dedupe, drop_nested, hedge, keep, kind
from workers.pipeline.claims.options import ClaimOptions
from workers.pipeline.claims.quantities import Quantity, find_quantities, quantities_in
from workers.pipeline.claims.quotes import find_quotes
from workers.pipeline.claims.records import Attribution, Claim, Cue, Reporter, Speaker
from workers.pipeline.claims.spans import clip
from workers.pipeline.claims.speakers import Mention, Resolver

pytestmark = pytest.mark.unit


def att(text: str, cue: str, speaker: str | None, *content: str, direct: bool = False) -> Attribution:
    c0 = text.index(cue)
    sp = (text.index(speaker), text.index(speaker) + len(speaker)) if speaker else None
    spans = [(text.index(x), text.index(x) + len(x)) for x in content]
    return Attribution(Cue(c0, c0 + len(cue), cue, cue.lower(), "assert"), sp, spans, direct)


def test_options_defaults_are_the_shipped_values():
    o = ClaimOptions()
    assert (o.threshold, o.nested, o.filter_keep_above, o.cue_drop, o.cue_add, o.cue_add_other) == \
        (0.5, "drop", 0.4, 0.15, 0.35, 0.5)
    assert o.drop_nested and not ClaimOptions(nested="keep").drop_nested
    assert o.cue_model.endswith("cues.json")
    with pytest.raises(dataclasses.FrozenInstanceError):
        o.threshold = 0.9   # type: ignore[misc]


def test_speaker_json_hides_what_resolution_learns():
    s = Speaker("she", 10, 13, "Anna Lund", "pronoun", entity_id="person:lund", person=True, gender="f")
    assert s.to_dict() == {"text": "she", "start": 10, "end": 13, "name": "Anna Lund", "resolution": "pronoun",
                           "entity_id": "person:lund"}
    both = Speaker("Norway and Chile", 0, 16, "Norway and Chile", "explicit", "gpe:no", ["gpe:no", "gpe:cl"], plural=True)
    assert both.to_dict()["entity_ids"] == ["gpe:no", "gpe:cl"]
    assert "entity_id" not in Speaker("the crowd", 0, 9, "crowd", "explicit").to_dict()


def test_claim_json_shape():
    cue = Cue(4, 8, "said", "say", "assert", "VBD")
    spk = Speaker("Lund", 0, 4, "Anna Lund", "alias", "person:lund", person=True)
    rep = Reporter(Speaker("the radio", 40, 49, "radio", "explicit"), Cue(30, 39, "according to", "according to", "report"))
    q = Quantity("40 ships", 20, 28, 40, None, None, "ships")
    c = Claim("d:c1", "the port has 40 ships", [(9, 30)], "indirect", spk, cue, [rep], [q], ["person:lund"], 0.71)
    d = c.to_dict()
    assert list(d) == ["id", "text", "spans", "kind", "speaker", "cue", "reported_by", "quantities", "entity_ids",
                       "checkworthiness"]
    assert d["spans"] == [{"start": 9, "end": 30}]
    assert d["cue"] == {"text": "said", "start": 4, "end": 8, "lemma": "say", "stance": "assert"}, "no tag in the JSON"
    assert d["reported_by"] == [{"name": "radio", "text": "the radio", "start": 40, "end": 49, "resolution": "explicit",
                                 "cue": {"text": "according to", "start": 30, "end": 39, "lemma": "according to",
                                         "stance": "report"}}]
    assert d["quantities"] == [{"text": "40 ships", "start": 20, "end": 28, "value": 40, "value_max": None,
                                "qualifier": None, "unit": "ships"}]
    un = Claim("d:c2", "x", [(0, 1)], "unattributed", None, None, [], [], []).to_dict()
    assert un["speaker"] is None and un["cue"] is None and un["checkworthiness"] == 0.0


def test_quantities_typed_and_as_json_agree():
    text = "The dam cost more than $4.2bn and holds 40 million cubic metres."
    qs = quantities_in(text)
    assert all(isinstance(q, Quantity) for q in qs) and len(qs) == 2
    assert [q.to_dict() for q in qs] == find_quantities(text)
    assert (qs[0].value, qs[0].qualifier, qs[0].unit) == (4_200_000_000, "more_than", "USD")


def test_dedupe_keeps_the_first_of_equal_contents():
    text = "Lund said the port will close. Berg said the port will close."
    a, b = att(text, "said", "Lund", "the port will close"), att(text, "said", "Lund", "the port will close")
    assert dedupe([a, b]) == [a]


def test_drop_nested_drops_a_cue_inside_another_content():
    text = "Lund said Berg believes the port will close."
    outer = att(text, "said", "Lund", "Berg believes the port will close")
    inner = att(text, "believes", "Berg", "the port will close")
    assert drop_nested([outer, inner]) == [outer]


def test_first_person_hedges_are_never_kept():
    text = "I think the port will close."
    a = dataclasses.replace(att(text, "think", "I", "the port will close"))
    a.cue.lemma = "think"
    assert hedge(a, text) and not keep(a, text, [], None)


def test_kind_direct_mixed_indirect():
    text = "Lund said the port is “a lost cause” now. Berg said the port will close."
    quotes = find_quotes(text)
    mixed = att(text, "said", "Lund", "the port is “a lost cause” now")
    plain = att(text, "said the port will", "Berg", "the port will close")
    assert kind(text, mixed.content, False, quotes) == "mixed"
    assert kind(text, plain.content, False, quotes) == "indirect"
    assert kind(text, plain.content, True, quotes) == "direct"


def test_clip_trims_to_words_within_the_line():
    text = "“Yes,” she said.\n(the port) will close."
    assert clip(text, (0, 6), 0, 16) == (0, 6)                      # quote marks stay
    line2 = text.index("(")
    assert clip(text, (0, len(text)), line2, len(text)) == (line2 + 1, len(text) - 1)   # "(" and the period go
    assert clip(text, (5, 7), 5, 7) is None                         # no word left


def test_resolver_returns_typed_speakers_without_a_parse():
    text = "Mr Berg arrived. he said. Local farmers said. they said. the crowd said."
    r = Resolver(text, [Mention(3, 7, "Berg", "Erik Berg", "person:berg", "PERSON")], [])
    berg = r.resolve((0, 7))
    assert (berg.name, berg.resolution, berg.entity_id, berg.person) == ("Erik Berg", "alias", "person:berg", True)
    he = r.resolve((text.index("he said"), text.index("he said") + 2))
    assert (he.name, he.resolution, he.gender, he.person) == ("Erik Berg", "pronoun", "m", True)
    farmers = r.resolve((text.index("Local"), text.index(" said. they")))
    assert farmers.plural and not farmers.person and farmers.entity_id is None
    they = r.resolve((text.index("they"), text.index("they") + 4))
    assert (they.name, they.resolution, they.plural) == ("Local farmers", "pronoun", True)
    crowd = r.resolve((text.index("the crowd"), text.index("the crowd") + 9))
    assert crowd.to_dict() == {"text": "the crowd", "start": crowd.start, "end": crowd.end, "name": "crowd",
                               "resolution": "explicit"}
    assert r.resolve(None) is None
