"""Rules a second blind real-news measurement found missing (``eval/attribution_realnews.py --set
fresh2``, issue 17): on sentences written here, through ``build_pipeline()``; each next to what stays."""

from __future__ import annotations

import pytest
from claim_texts import attributed

pytestmark = pytest.mark.e2e


def speakers(pipeline, text: str) -> list[tuple[str, str]]:
    """(content start, speaker name) of each attributed claim."""
    return [(c["text"][:30], (c["speaker"] or {}).get("name") or "") for c in attributed(pipeline, text)]


# "they" after a plural thing as subject: the plural speaker before it, not the thing

def test_they_is_the_plural_speaker_not_a_plural_thing_as_subject(pipeline):
    text = ("More than 40 buses stand ready in the depots, transport officials said on Monday.\n"
            "City plans rely heavily on the new tram line, but there are also 40 buses in reserve in Bonn, "
            "according to transport officials.\n"
            "Besides the trams of Stadtwerke Bonn and Rheinbahn and the ferries Lorelei and Undine on the Rhine, "
            "the fleet of 20 Volvo and Scania buses is ready to leave from depots in Cologne, Siegburg and Bonn, "
            "they said.\n"
            "The fleet would need nearly 90 drivers in two shifts, they said.")
    got = speakers(pipeline, text)
    assert [n for c, n in got if c.startswith(("Besides", "The fleet"))] == ["transport officials"] * 2, got


def test_they_after_people_as_subject_stays_with_them(pipeline):
    text = ("The dock workers walked out on Monday after the talks collapsed.\n"
            "They said the port company had broken its promise on pay.")
    got = speakers(pipeline, text)
    assert got and "dock workers" in got[0][1], got
