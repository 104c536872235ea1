"""Builders for realistic analysed documents (the shapes the entity and claim stages produce),
so store and API tests can save documents through ``store.save_document`` without running NLP.
Offsets are computed from the text, so ``text[start:end] == mention.text`` holds."""

from __future__ import annotations

import re
from typing import Any

from shared.ids import article_id


def mentions(text: str, *surfaces: str) -> list[dict[str, Any]]:
    """Every occurrence of the surfaces, longest first; a shorter one inside a longer one's span is not
    a mention of its own (as in the entity stage: "Thae" of "Thae Yong Ho")."""
    out: list[dict[str, Any]] = []
    for s in sorted(surfaces, key=len, reverse=True):
        for m in re.finditer(re.escape(s), text):
            if not any(o["start"] <= m.start() and m.end() <= o["end"] for o in out):
                out.append({"start": m.start(), "end": m.end(), "text": s})
    assert out, f"{surfaces} not in text"
    return sorted(out, key=lambda m: m["start"])


def slug(name: str) -> str:
    """The entity stage's id slug, for ASCII names: "Thae Yong-ho" → "thae-yong-ho", "U.N." → "un"."""
    s = re.sub(r"(?<=\w)[.'’](?=\w)", "", name.casefold())
    return re.sub(r"[^\w]+", "-", s).strip("-_").replace("_", "-")


KIND = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "NORP": "norp"}


def entity(text: str, key: str | None, name: str, label: str, *surfaces: str, salience: float = 0.5) -> dict[str, Any]:
    """An entity as the entity stage emits it; ``key=None`` derives the real id (``person:thae-yong-ho``)
    from label and name; ``aliases`` are the slugs of the other mention forms."""
    ms = mentions(text, *(surfaces or (name,)))
    key = key or f"{KIND.get(label, label.lower())}:{slug(name)}"
    own = key.split(":", 1)[-1]
    aliases = sorted({slug(m["text"]) for m in ms} - {own})
    return {"id": key, "text": name, "label": label, "mentions": ms, "count": len(ms), "salience": salience,
            "aliases": aliases}


def claim(text: str, cid: str, content: str, kind: str, speaker: dict[str, Any] | None,
          entity_ids: list[str], checkworthiness: float) -> dict[str, Any]:
    start = text.index(content)
    return {"id": cid, "text": content, "spans": [{"start": start, "end": start + len(content)}], "kind": kind,
            "speaker": speaker, "cue": None, "reported_by": [], "quantities": [], "entity_ids": entity_ids,
            "checkworthiness": checkworthiness}


def document(article: dict[str, Any], entities: list[dict[str, Any]], claims: list[dict[str, Any]],
             lang: str = "en", doc_id: str | None = None) -> dict[str, Any]:
    text = article["text"]
    return {
        "id": doc_id or article_id(article),
        "external_id": article.get("external_id"),
        "url": article.get("url"),
        "title": article.get("title"),
        "source": article.get("source"),
        "published_at": article.get("published_at"),
        "metadata": article.get("metadata") or {},
        "language_hint": article.get("language"),
        "processed_at": "2026-01-01T00:00:00+00:00",
        "pipeline_version": "1",
        "text": text,
        "stats": {"chars": len(text), "words": len(text.split()), "sentences": text.count(".")},
        "language": {"code": lang, "name": lang, "confidence": 0.99, "script": "Latn", "reliable": True,
                     "segments": [{"start": 0, "end": len(text), "code": lang, "confidence": 0.99}],
                     "languages": [{"code": lang, "share": 1.0}]},
        "entities": entities,
        "entities_supported": True,
        "claims": claims,
        "timings_ms": {"normalize": 0.1, "language": 0.2, "entities": 3.0, "claims": 1.0},
    }


SPY_TEXT = (
    "South Korea's top spy agency believes North Korea sent more than a million artillery shells to Russia, "
    "according to a lawmaker. Thae Yong Ho, a former diplomat, said the regime was desperate. "
    "\u201cThe shells are old,\u201d Mr Thae said. Yoo Sang-bum said the agency briefed lawmakers."
)
BYRNE_TEXT = (
    "Mr Byrne was frustrated to learn how many components in the missile had been made in the West. "
    "\u201cNorth Korea has been able to adapt quickly,\u201d said Jack Byrne of the Royal United Services Institute. "
    "Thae Yong-ho told the BBC that Pyongyang would keep selling weapons to Russia."
)


def spy_document(article: dict[str, Any]) -> dict[str, Any]:
    t = article["text"]
    ents = [
        entity(t, None, "Thae Yong Ho", "PERSON", "Thae Yong Ho", "Thae", salience=0.9),
        entity(t, None, "North Korea", "GPE", salience=0.8),
        entity(t, None, "Russia", "GPE", salience=0.6),
        entity(t, None, "South Korea", "GPE", salience=0.5),
        entity(t, None, "Yoo Sang-bum", "PERSON", salience=0.3),
    ]
    thae = {"text": "Mr Thae", "start": t.index("Mr Thae"), "end": t.index("Mr Thae") + 7, "name": "Thae Yong Ho",
            "entity_id": "person:thae-yong-ho", "resolution": "alias"}
    cls = [
        claim(t, "c1", "North Korea sent more than a million artillery shells to Russia", "indirect",
              {"name": "South Korea's top spy agency", "entity_id": None, "resolution": "explicit"},
              ["place:north-korea", "place:russia"], 0.92),
        claim(t, "c2", "the regime was desperate", "indirect", {**thae, "resolution": "explicit"}, [], 0.40),
        claim(t, "c3", "The shells are old,", "direct", thae, [], 0.55),
        claim(t, "c4", "the agency briefed lawmakers", "indirect",
              {"name": "Yoo Sang-bum", "entity_id": "person:yoo-sang-bum", "resolution": "explicit"}, [], 0.2),
    ]
    return document(article, ents, cls)


def byrne_document(article: dict[str, Any]) -> dict[str, Any]:
    t = article["text"]
    ents = [
        entity(t, None, "Jack Byrne", "PERSON", "Byrne", "Jack Byrne", salience=0.9),
        entity(t, None, "North Korea", "GPE", salience=0.7),
        entity(t, None, "Royal United Services Institute", "ORG", salience=0.5),
        entity(t, None, "Thae Yong Ho", "PERSON", "Thae Yong-ho", salience=0.4),
        entity(t, None, "Russia", "GPE", salience=0.3),
    ]
    cls = [
        claim(t, "c1", "North Korea has been able to adapt quickly,", "direct",
              {"name": "Jack Byrne", "entity_id": "person:jack-byrne", "resolution": "explicit"}, ["place:north-korea"], 0.7),
        claim(t, "c2", "Pyongyang would keep selling weapons to Russia", "indirect",
              {"name": "Thae Yong Ho", "entity_id": "person:thae-yong-ho", "resolution": "explicit"}, ["place:russia"], 0.8),
    ]
    return document(article, ents, cls)
