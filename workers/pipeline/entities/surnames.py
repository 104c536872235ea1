"""Two people with one surname in one document ("Barack Obama" and "Michelle Obama", "Donald Trump"
and "Ivanka Trump"): which of them each bare surname ("Obama", "Mr. Obama", "President Obama") is.

The merger (:mod:`.merge`) first joins a one-word name to the full name that holds it by counts.
When two or more full-name PERSON entities of the document end in the same surname, every one-word
mention of that surname is then re-assigned on its own evidence, with the claims stage's rules
(:func:`..claims.coref.split_shared_surnames`, one copy for both stages):

- an honorific's gender ("Mr." / "Mrs." / "Ms.") against each full name's gender (its honorifics,
  a family or role noun next to it: "the first lady, Michelle Obama", he/she after its mentions);
- an office title ("President", "Sen.", "Dr.") against the titles written before each full name;
- a he/she/his/her in the mention's own sentence with no other person named between;
- without such evidence: not a person the text introduces through another ("Ivanka Trump, the
  nominee's eldest daughter,"); then the merger's choice when one full name is clearly the most
  frequent (twice the mentions); else the writer's convention (whom the first bare surname without
  evidence meant); else the most recent full name (a live blog's "Jeh Johnson" section after a
  "Gary Johnson" one), else the first one after it. (Always the most prominent full name — most
  full mentions, then first named — lost on PolNeAR dev: "Gary Johnson" took Jeh Johnson's quotes,
  a headline's "Double Standard Clinton" Hillary Clinton's mentions.)
- a "Mr." / "Mrs." surname the merger kept apart goes to a full name only on evidence (the gender
  its title shows must be known of one of them), never by convention or recency;
- a titled surname that cannot be the document's only full name of that surname ("Mr. Obama",
  "President Obama" against "the first lady, Michelle Obama") is a person of its own, named by the
  surname (``person:obama``); a bare untitled surname follows it on a he/she in its sentence or,
  without one, when those titled mentions outnumber the full name's own.

A document where no two full names share a surname and no lone surname carries a title is left
exactly as the merger made it.
"""

from __future__ import annotations

from typing import Any, Sequence

from .canonical import slug


def shared_surname_moves(text: str, people: list[tuple[str, str, list[tuple[int, int]]]],
                         chunks: Sequence[tuple[int, Any]] = ()) -> dict[tuple[int, int], str]:
    """``people``: ``(group key, canonical name, mention spans)`` of the document's PERSON groups.
    Returns ``{span of a one-word mention: key of the group it belongs to instead}`` (a key not
    among the groups is a new person named by the surname alone)."""
    # the claims stage's helpers, imported here: the claims package imports this one (``entities.spans``)
    from ..claims.coref import gender_of_title, sentence_ranges, split_shared_surnames, title_before
    from ..claims.mentions import Mention

    surnames: dict[str, int] = {}
    titled = False
    for _, name, spans in people:
        if len(name.split()) >= 2 and any(len(text[s:e].split()) >= 2 for s, e in spans):
            key = slug(name.split()[-1])
            surnames[key] = surnames.get(key, 0) + 1
            titled = titled or any(len(text[s:e].split()) == 1 and title_before(text, s) for s, e in spans)
    if not titled and not any(n >= 2 for n in surnames.values()):
        return {}
    mentions = sorted((Mention(s, e, text[s:e], name, key, "PERSON") for key, name, spans in people for s, e in spans),
                      key=lambda m: (m.start, m.end))
    guessed: set[int] = set()
    sents = sentence_ranges(chunks)
    out = split_shared_surnames(text, mentions, chunks, guessed, sents)
    # a "Mrs. Clinton" the merger kept apart, whose gender no full name confirms, is not guessed into
    # one of them (the most recent may be "President Bill Clinton"): it stays apart
    moves = {(m.start, m.end): o.entity_id for m, o in zip(mentions, out)
             if o.entity_id is not None and o.entity_id != m.entity_id and len(m.text.split()) == 1
             and not (m.start in guessed and len(m.name.split()) == 1
                      and gender_of_title(title_before(text, m.start)))}
    # "Mr. Obama" / "President Obama" that cannot be the document's one full name ("the first lady,
    # Michelle Obama"): a person of their own, named by the surname
    detached: dict[tuple[str, str], list[Any]] = {}
    for m, o in zip(mentions, out):
        if o.entity_id is None and m.entity_id is not None and len(m.text.split()) == 1 and len(m.name.split()) >= 2:
            detached.setdefault((m.entity_id, slug(m.text)), []).append(m)
    if detached:
        _bare_with_detached(text, mentions, detached, moves, sents)
    return moves


def _bare_with_detached(text: str, mentions: list[Any], detached: dict[tuple[str, str], list[Any]],
                        moves: dict[tuple[int, int], str], sents: list[tuple[int, int]]) -> None:
    """The detached titled mentions go to a new person ``slug(surname)``; a bare untitled surname of
    the same full name follows them when a he/she in its sentence shows their gender, or, with no
    such evidence, when they outnumber the full name's own full mentions (``sents``: the document's
    sentence ranges)."""
    from ..claims.coref import gender_of_title, local_gender, sent_finder, title_before

    find = sent_finder(sents)
    person_starts = [m.start for m in mentions]
    for (group, surname), gone in detached.items():
        for m in gone:
            moves[(m.start, m.end)] = surname
        genders = {gender_of_title(title_before(text, m.start)) for m in gone} - {None}
        gender = genders.pop() if len(genders) == 1 else None
        full = sum(1 for m in mentions if m.entity_id == group and len(m.text.split()) >= 2)
        for m in mentions:
            if (m.entity_id != group or len(m.text.split()) != 1 or slug(m.text) != surname
                    or (m.start, m.end) in moves or title_before(text, m.start)):
                continue
            i = find(m.start)
            sent = sents[i] if i is not None else (text.rfind("\n", 0, m.start) + 1, m.end)
            local = local_gender(text, m, sent, person_starts)
            if (local is not None and local == gender) or (local is None and len(gone) > full):
                moves[(m.start, m.end)] = surname
