"""A long article (> 1 MB of prose, the intake allows 2 MiB) goes through the real pipeline whole:
it completes, and the entities and claims of its last paragraph are found at the far end of the
text (nothing cut or lost between parse chunks). Memory and time are printed by
``bench/faults.py adversarial``, not asserted here."""

from __future__ import annotations

import itertools

import pytest

from workers.pipeline import build_pipeline

PEOPLE = ["Maria Okafor", "Daniel Whitcombe", "Aiko Brandt", "Tomas Lindqvist", "Grace Mbeki", "Oliver Stroud"]
PLACES = ["Rotterdam", "Nairobi", "Manila", "Valparaiso", "Gdansk", "Mombasa"]
TEMPLATES = [
    "{p} said on {d} that shipping through {c} had fallen for the third month in a row. ",
    "Officials in {c} confirmed the figures, but {p} warned that the worst was not over. ",
    "\"We expect the queues to clear by the end of the year,\" {p} told reporters in {c}. ",
    "The port authority of {c} published its own estimate on {d}, which was lower. ",
    "According to {p}, freight rates have doubled since the spring.\n\n",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
LAST = ("Harriet Quennell, the director of the Aberlour Shipping Board, said the new terminal "
        "would open in March and would double the capacity of the harbour.\n")


def long_prose(min_chars: int) -> str:
    parts, n = [], 0
    for i in itertools.count():
        s = TEMPLATES[i % len(TEMPLATES)].format(p=PEOPLE[i % len(PEOPLE)], c=PLACES[(i // 2) % len(PLACES)],
                                                 d=DAYS[i % len(DAYS)])
        parts.append(s)
        n += len(s)
        if n >= min_chars:
            break
    return "".join(parts) + LAST


@pytest.mark.timeout(1800)  # ~2 min of parsing on an idle machine; shared CI machines are slower
def test_a_megabyte_article_is_analysed_to_its_last_paragraph() -> None:
    text = long_prose(1_000_000)
    assert len(text) > 1_000_000
    doc = build_pipeline().run({"text": text, "url": "test://long/1mb"})
    assert len(doc["text"]) == len(text)
    tail = doc["text"].index("Harriet Quennell")
    assert tail > 1_000_000
    quennell = [e for e in doc["entities"] if "quennell" in e["id"]]
    assert quennell and quennell[0]["label"] == "PERSON"
    assert any(m["start"] == tail for m in quennell[0]["mentions"])
    # the far end's claim: who said it is the entity found there, its content lies after the cue
    far = [c for c in doc["claims"] if c["spans"][0]["start"] > tail]
    assert far, "no claim from the last paragraph"
    said = [c for c in far if (c.get("speaker") or {}).get("entity_id") == quennell[0]["id"]]
    assert said and "terminal" in said[0]["text"]
    for c in far:
        for span in c["spans"]:
            assert doc["text"][span["start"]:span["end"]] in c["text"]
    # and the body's claims and entities are there all along the text, not only at its start
    people = {e["id"] for e in doc["entities"] if e["label"] == "PERSON"}
    assert {"person:maria-okafor", "person:oliver-stroud"} <= people
    assert max(c["spans"][0]["start"] for c in doc["claims"] if c not in far) > 900_000
