"""Candidates the definition refuses, found by reading the claims on 2016 political news that matched
no PolNeAR attribution at all (PolNeAR train; issue 17, "What counts"): each rule is one a reader of
the definition applies without knowing the article. (Under ``NEWSFLOW_CLAIM_DEFINITION=polnear`` the
candidates are kept with class ``other``, as all refusals are.)

- **A speech act not made**: "refrained from attacking his rivals", "stopped short of blaming the
  referee", "criticised for not condemning the attacks", "left without criticising the bank": a
  gerund cue under a verb of holding back, negated after a preposition, or under "without" reports an
  act that did not happen, like "declined to comment" ("avoided directly criticizing Comey" stays:
  PolNeAR annotates it).
- **Worrying someone**: "the about-face worries the Gulf capitals": with an object, "worry" makes
  its subject the cause of a worry, not someone who holds a belief ("worries that …", "worried about
  …" stay).
- **In accordance with, not according to a source**: "according to their instinctive preference",
  "finished on time, according to plan": a taste, an instinct, a custom or a bare plan or schedule is
  what something accords with; no one says anything ("according to her plan, firms must …" and
  "according to the initial schedule" stay: a plan someone drew up says it).
- **Thanking someone**: "is thanking supporters at a rally": a thanks with no "for" is a greeting,
  no evaluation ("thanked the volunteers for their work" stays).
- **Boasting a thing**: "she boasts a 45-point lead", "the governor boasts a long record of cutting
  taxes": "boast" with a noun phrase right after it means "have" ("boasted about …", "boasted of
  …", "boasted that …" stay).
- **The article's own notes**: "This story has been updated to note that …", "An earlier version of
  this story indicated …": the page itself as the source is the publication's update or correction
  note, no one's statement ("the report said …", "this report found …" stay: a study the article is
  about).
- **A handle for content**: "He tweets @pmorici1" (an author's bio line): where a writer can be
  read, nothing said.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .records import OBJECT_HOWS as _OBJ_HOWS
from .records import Attribution



# "refrained from attacking", "stopped short of blaming", "shied away from endorsing", "steered clear
# of naming"; "for not condemning", "by never saying"; "without criticising"
_HELD_BACK = re.compile(r"\b(?:refrain\w*\s+from|stop(?:s|ped|ping)?\s+short\s+of|"
                        r"sh(?:y|ies|ied|ying)\s+away\s+from|steer(?:s|ed|ing)?\s+clear\s+of|"
                        r"(?:for|by|of|from|in|about)\s+(?:not|never)|without)\s+(?:\w+ly\s+)?$", re.I)


def not_made(a: Attribution, text: str) -> bool:
    """A gerund cue held back or negated: "refrained from attacking …", "for not condemning …"."""
    return a.cue.tag == "VBG" and bool(_HELD_BACK.search(text, max(0, a.cue.start - 40), a.cue.start))


def _worrying_someone(a: Attribution, text: str) -> bool:
    """"the about-face worries the Gulf capitals"."""
    return a.cue.lemma.lower() == "worry" and a.how in _OBJ_HOWS


# what a thing is done in accordance with (the head noun of the "according to" object); a plan or a
# schedule only bare ("according to her plan, firms must …" is what a plan someone drew up says)
_ACCORDANCE = frozenset("""preference preferences taste tastes tradition custom habit instinct instincts whim
    whims mood""".split())
_ACCORDANCE_BARE = frozenset("plan plans schedule script design".split())


def _in_accordance(a: Attribution, text: str) -> bool:
    """"according to their instinctive preference", "according to plan"."""
    if a.how != "according" or a.speaker is None:
        return False
    return a.spk_lemma.lower() in _ACCORDANCE or text[a.speaker[0]:a.speaker[1]].strip().lower() in _ACCORDANCE_BARE


def _thanks_for_nothing(a: Attribution, text: str) -> bool:
    """"is thanking supporters at a rally": no "for" between the cue and the content's end."""
    return a.cue.lemma.lower() == "thank" and not re.search(r"\bfor\b", text[a.cue.end:a.content[-1][1]], re.I)


# what makes "boast" a speech act: a preposition of topic, a clause or a quotation right after it
_BOAST_SAID = re.compile(r"\W*(?:about|of|that|on|how|to)\b|\s*[:“\"‘']", re.I)


def _boasting_a_thing(a: Attribution, text: str) -> bool:
    """"she boasts a 45-point lead": "boast" with a noun phrase right after it."""
    return a.cue.lemma.lower() == "boast" and a.how in _OBJ_HOWS | {"prep"} and not _BOAST_SAID.match(text, a.cue.end)


_OWN_PAGE = re.compile(r"(?:this|(?:an?|the)\s+(?:earlier|previous|prior|original)\s+version\s+of\s+this)\s+"
                       r"(?:story|article|piece|column)", re.I)


def _own_note(a: Attribution, text: str) -> bool:
    """"This story has been updated to note …": the page itself as the speaker."""
    return a.speaker is not None and bool(_OWN_PAGE.fullmatch(text[a.speaker[0]:a.speaker[1]].strip()))


_HANDLE = re.compile(r"\W*(?:at\s+|on\s+)?(?:@\w+|(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|co|io)(?:/\S*)?|"
                     r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+)\W*", re.I)


def _handle_only(a: Attribution, text: str) -> bool:
    """"He tweets @pmorici1": all there is from the cue to the content's end is a handle, a web or an
    email address."""
    return a.content[0][0] >= a.cue.end and bool(_HANDLE.fullmatch(text, a.cue.end, a.content[-1][1]))


# each rule: a candidate that is not a quotation and has a content
_RULES: tuple[Callable[[Attribution, str], bool], ...] = (
    not_made, _worrying_someone, _in_accordance, _thanks_for_nothing, _boasting_a_thing, _own_note, _handle_only)


def refused_in_news(a: Attribution, text: str) -> bool:
    """True when one of the rules above refuses the candidate."""
    return not a.direct and bool(a.content) and any(rule(a, text) for rule in _RULES)


__all__ = ["not_made", "refused_in_news"]
