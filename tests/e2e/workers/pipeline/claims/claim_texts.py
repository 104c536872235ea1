"""Helpers of the claim-stage e2e tests: a written text through the shared ``pipeline`` fixture, and its
attributed claims (kind not ``unattributed``)."""

from __future__ import annotations


def attributed(pipeline, text: str, **fields) -> list[dict]:
    """The attributed claims of ``text`` (a url of its own, so no two texts are one article; ``fields``:
    more article fields, e.g. a title)."""
    doc = pipeline.run({"url": f"https://example.test/{abs(hash(text))}", **fields, "text": text})
    return [c for c in doc["claims"] if c["kind"] != "unattributed"]


def cues(pipeline, text: str) -> list[str]:
    """The cue lemmas of the attributed claims of ``text``."""
    return [c["cue"]["lemma"] for c in attributed(pipeline, text)]
