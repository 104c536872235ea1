"""The claim stage's offset indexes (bisect / prefix maxima) answer exactly like the plain scans
they replace, on random inputs (the scans are the reference here)."""

from __future__ import annotations

import random

from workers.pipeline.claims.filters import drop_nested as _drop_nested, quote_overlaps as _quote_overlaps
from workers.pipeline.claims.quotes import Quote
from workers.pipeline.claims.records import Attribution, Cue
from workers.pipeline.claims.sentences import Covered as _Covered, entity_ids as _entity_ids
from workers.pipeline.claims.speakers import Antecedent, Mention, MentionIndex, Resolver


def _spans(rng: random.Random, n: int, width: int = 200) -> list[tuple[int, int]]:
    out = []
    for _ in range(n):
        a = rng.randrange(0, width)
        out.append((a, a + rng.randrange(0, 15)))
    return out


def _mentions(rng: random.Random, n: int) -> list[Mention]:
    ms = []
    for k in range(n):
        a = rng.randrange(0, 200)
        ms.append(Mention(a, a + rng.randrange(1, 12), f"m{k}", rng.choice("ABCD"),
                          rng.choice([None, "e1", "e2", "e3", "e4"]), rng.choice(["PERSON", "ORG", "GPE"])))
    ms.sort(key=lambda m: m.start)
    return ms


def test_drop_nested_matches_the_pairwise_scan() -> None:
    rng = random.Random(1)
    for _ in range(300):
        atts = []
        for _ in range(rng.randrange(0, 8)):
            c = rng.randrange(0, 200)
            atts.append(Attribution(Cue(c, c + 3, "say", "say", "assert"), None, _spans(rng, rng.randrange(1, 3))))
        want = [a for a in atts
                if not any(b is not a and any(s <= a.cue.start < e for s, e in b.content) for b in atts)]
        assert _drop_nested(atts) == want


def test_covered_matches_the_scan() -> None:
    rng = random.Random(2)
    for _ in range(300):
        covered = _spans(rng, rng.randrange(0, 10))
        cov = _Covered(covered)
        for a, b in _spans(rng, 20):
            assert cov.overlaps(a, b) == any(min(b, e) - max(a, s) > 0 for s, e in covered)


def test_entity_ids_match_the_scan() -> None:
    rng = random.Random(3)
    for _ in range(200):
        ms = _mentions(rng, rng.randrange(0, 15))
        index = MentionIndex(ms)
        for _ in range(5):
            spans = sorted(_spans(rng, rng.randrange(1, 3)))
            want: list[str] = []
            for m in ms:
                if m.entity_id and m.entity_id not in want and any(m.start < e and m.end > s for s, e in spans):
                    want.append(m.entity_id)
            assert _entity_ids(index, spans) == want


def test_quote_overlaps_matches_the_scan() -> None:
    rng = random.Random(4)
    for _ in range(200):
        quotes, pos = [], 0
        for _ in range(rng.randrange(0, 8)):
            pos += rng.randrange(0, 20)
            end = pos + rng.randrange(2, 30)
            quotes.append(Quote(pos, end, True))
            pos = end
        starts = [q.start for q in quotes]
        for a, b in _spans(rng, 10):
            assert _quote_overlaps(quotes, starts, a, b) == [q for q in quotes if q.start < b and q.end > a]


def test_nearest_candidate_matches_the_scan() -> None:
    rng = random.Random(5)
    for _ in range(100):
        ms = _mentions(rng, rng.randrange(0, 12))
        r = Resolver("x" * 300, ms, [])
        for _ in range(rng.randrange(0, 6)):   # some resolved speakers in the history
            s = rng.randrange(0, 200)
            r.resolve((s, s + 4))
        for pos in range(0, 220, 7):
            for person in (True, False):
                cands = []
                for p, sp, kind in r.history:
                    unresolved = sp.resolution == "pronoun" and sp.name == sp.text
                    if p < pos and (kind == "person") == person and not unresolved:
                        cands.append((p, sp))
                for m in ms:
                    if m.start >= pos:
                        break
                    if (m.label in ("PERSON", "PER")) == person:
                        cands.append((m.start, Antecedent(m.name, m.entity_id)))
                want = max(cands, key=lambda c: c[0])[1] if cands else None
                got = r._candidates(pos, person)
                assert (got[0][0] if got else None) == want
