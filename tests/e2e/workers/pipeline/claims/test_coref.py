"""Speaker coreference (``claims/coref.py``): who a short name, a he/she or a description means.

Written paragraphs for each case issue 17 lists (other names, other facts); the checks are the
speaker each claim gets through ``build_pipeline()``.
"""

from __future__ import annotations

import pytest

from workers.pipeline.claims.coref import split_shared_surnames
from workers.pipeline.claims.mentions import Mention
from claim_texts import attributed


def speaker_of(pipeline, text: str, words: str) -> dict:
    doc = pipeline.run({"url": f"https://example.test/{abs(hash(text))}", "title": "t", "text": text})
    found = [c for c in doc["claims"] if words in c["text"] and c["kind"] != "unattributed"]
    assert len(found) == 1, [(c["text"], c["speaker"]) for c in doc["claims"]]
    assert found[0]["speaker"] is not None, found[0]
    return found[0]["speaker"]


# -- one surname, two people ------------------------------------------------------------------

def test_surname_shared_by_husband_and_wife_follows_the_title(pipeline):
    # the wife is named far more often, but "Mr." and the office title say which one speaks
    text = ("Rep. Tom Harlan, a Kansas Republican, chairs the farm committee. His wife, Ruth Harlan, runs a "
            "food bank in Topeka.\n"
            "Ruth Harlan opened the food bank in 2012. Ruth Harlan said donations had doubled this year. "
            "Mrs. Harlan told reporters that the shelves were full. Ruth Harlan thanked the volunteers.\n"
            "Mr. Harlan said the committee would vote on the bill next week. Harlan added that the farm lobby "
            "had enough votes to pass it.")
    assert speaker_of(pipeline, text, "shelves were full")["name"] == "Ruth Harlan"
    vote = speaker_of(pipeline, text, "committee would vote")
    assert vote["name"] == "Tom Harlan" and vote["entity_id"] == "person:tom-harlan"
    assert speaker_of(pipeline, text, "enough votes")["name"] == "Tom Harlan"     # bare surname: the latest


def test_bare_surname_is_not_the_relative_named_in_full(pipeline):
    # no titles: the writer keeps naming the sister in full, so the bare surname is the brother
    text = ("Omar Velez and his sister Lucia Velez opened a bakery in Tucson last spring.\n"
            "Velez said the ovens had cost more than the building. Lucia Velez said the bread sold out by noon "
            "every day.\n"
            "Velez said they would open a second shop in Phoenix next year.")
    assert speaker_of(pipeline, text, "ovens had cost")["name"] == "Omar Velez"
    assert speaker_of(pipeline, text, "bread sold out")["name"] == "Lucia Velez"
    assert speaker_of(pipeline, text, "second shop")["name"] == "Omar Velez"


def _mentions(text: str, names: list[tuple[str, str, int]]) -> list[Mention]:
    """(surface, entity name, occurrence) → mentions as the entity stage gives them (the bare
    surname already joined to one full name by counts)."""
    out = []
    for surface, name, nth in names:
        a = -1
        for _ in range(nth + 1):
            a = text.index(surface, a + 1)
        out.append(Mention(a, a + len(surface), surface, name, "person:" + name.lower().replace(" ", "-"), "PERSON"))
    return sorted(out, key=lambda m: m.start)


def test_bare_surname_keeps_the_writers_convention_unless_a_pronoun_says_otherwise():
    text = ("Erik Berg and his sister Anna Berg run the farm. Berg said the harvest was late. "
            "Anna Berg said the goats were fine; Mrs. Berg sells the cheese. Berg added that rain was coming. "
            "Anna Berg wants a new barn. Berg said she would sell the old one.")
    ms = _mentions(text, [("Erik Berg", "Erik Berg", 0), ("Anna Berg", "Anna Berg", 0), ("Anna Berg", "Anna Berg", 1),
                          ("Anna Berg", "Anna Berg", 2)]
                   + [("Berg", "Anna Berg", k) for k in (2, 4, 5, 7)])   # bare ones, with the counts' guess
    bare = [m for m in split_shared_surnames(text, ms) if m.text == "Berg"]
    assert [m.name for m in bare] == ["Erik Berg", "Anna Berg", "Erik Berg", "Anna Berg"]
    assert bare[0].entity_id == "person:erik-berg"


def test_office_title_picks_the_person_with_that_title(pipeline):
    text = ("Sen. Paul Ostrander and his brother, Dr. Mark Ostrander, both spoke at the hearing on Tuesday.\n"
            "Dr. Ostrander said the clinic had run out of vaccine in March. "
            "Sen. Ostrander said the state would send more doses.")
    assert speaker_of(pipeline, text, "run out of vaccine")["name"] == "Mark Ostrander"
    assert speaker_of(pipeline, text, "send more doses")["name"] == "Paul Ostrander"


# -- pronouns ----------------------------------------------------------------------------------

def test_pronoun_after_told_is_the_teller_not_the_listener(pipeline):
    text = ("Duchess Clara of Aldmoor sat down with the talk show host Nadia Brooks for a long interview.\n"
            "Clara told Nadia Brooks that she had felt alone inside the family.\n"
            "She added that she raised those worries with the court but received no help.")
    sp = speaker_of(pipeline, text, "raised those worries")
    assert sp["resolution"] == "pronoun" and sp["name"] == "Clara", sp


def test_pronoun_skips_a_person_only_mentioned_in_a_quote(pipeline):
    text = ("Elena Sorrow, the Countess of Wey, said she had asked for help many times. Her husband Karl said "
            "his mother Greta had faced the same pressure alone.\n"
            "“I went to the office and said that I needed to go somewhere to get help,” she said.")
    sp = speaker_of(pipeline, text, "get help")
    assert sp["name"] == "Elena Sorrow", sp


def test_she_after_a_quote_naming_another_woman(pipeline):
    text = ("Mrs. Ines Galvan spoke about her late aunt at the ceremony.\n"
            "“I think Marta would have been proud to see the school open,” Galvan said.\n"
            "“Nobody believed in this project, and we built it anyway,” she said.")
    assert speaker_of(pipeline, text, "Nobody believed")["name"] == "Ines Galvan"


def test_answer_to_a_question_is_the_one_asked(pipeline):
    text = ("The host Sara Lenz asked Maya Ortiz whether she had been silent or silenced.\n"
            "“The latter,” she said.")
    assert speaker_of(pipeline, text, "The latter")["name"] == "Maya Ortiz"


def test_pronoun_by_gender_and_number(pipeline):
    text = ("Mr. Victor Hale met Ms. Dana Reid in Leeds on Monday.\n"
            "“The subsidies will end in June,” he said.\n"
            "“We will fight the cut in court,” she said. The farmers' unions protested outside the hall.\n"
            "They said the cut would close a hundred farms.")
    assert speaker_of(pipeline, text, "subsidies will end")["name"] == "Victor Hale"
    assert speaker_of(pipeline, text, "fight the cut")["name"] == "Dana Reid"
    assert "union" in speaker_of(pipeline, text, "hundred farms")["name"]


def test_quote_chain_he_added(pipeline):
    # a man named inside the first quote does not take the continuation
    text = ("Mr. John Reyes, the council leader, spoke on Monday.\n"
            "“The council has lost its patience with Mayor Peter Lind,” Reyes said. "
            "“Nobody trusts him any more,” he added.")
    assert speaker_of(pipeline, text, "Nobody trusts")["name"] == "John Reyes"


# -- descriptions --------------------------------------------------------------------------------

def test_description_goes_to_the_entity_named_nearby_or_stays(pipeline):
    text = ("Senator Jane Holt spoke to voters in Denver on Tuesday.\n"
            "The lawmaker said the tax bill would hurt small farms.\n"
            "Shares of Brightwell Foods fell after the vote. The company said it would cut 300 jobs.\n"
            "A spokesman said the cuts would mostly hit the plants in Ohio.")
    law = speaker_of(pipeline, text, "hurt small farms")
    assert (law["resolution"], law["name"]) == ("description", "Jane Holt")
    co = speaker_of(pipeline, text, "cut 300 jobs")
    assert co["resolution"] == "description" and "Brightwell" in co["name"]
    spk = speaker_of(pipeline, text, "plants in Ohio")
    assert "entity_id" not in spk and spk["name"] == "spokesman"           # nobody named: the description


def test_description_follows_the_right_one_of_two_namesakes(pipeline):
    text = ("Rep. Tom Harlan, a Kansas Republican, chairs the farm committee. His wife, Ruth Harlan, runs a "
            "food bank in Topeka.\n"
            "Ruth Harlan said donations had doubled this year. Ruth Harlan thanked the volunteers.\n"
            "Harlan, who has served in Congress since 2014, will face a primary in August.\n"
            "The congressman said the farm bill would pass.")
    assert speaker_of(pipeline, text, "farm bill would pass")["name"] == "Tom Harlan"


# -- nested quotes -----------------------------------------------------------------------------

def _claims(pipeline, text: str) -> list[dict]:
    return attributed(pipeline, text, title="t")


def test_quote_inside_a_quote_belongs_to_the_outer_speaker(pipeline):
    text = ("Maria Costa, the opposition leader, spoke after the talks.\n"
            "“When I met the minister, he told me: ‘We will never sign this treaty,’” Costa said.")
    outer = speaker_of(pipeline, text, "When I met")
    assert outer["name"] == "Maria Costa"
    inner = [c for c in _claims(pipeline, text) if c["text"].startswith("‘We will")]
    assert len(inner) == 1, _claims(pipeline, text)
    # the inner layer: the minister's words as Costa reports them; "he" is the minister, not Costa
    assert inner[0]["speaker"]["name"] == "minister" and "entity_id" not in inner[0]["speaker"], inner[0]
    assert [r["name"] for r in inner[0]["reported_by"]] == ["Maria Costa"]


def test_inner_quote_is_the_named_persons_as_reported_by_the_outer_speaker(pipeline):
    text = ("Mayor Ann Jones spoke after the council vote on Monday.\n"
            "“Tom Smith told me ‘we are done with the ferry’,” Jones said.\n"
            "“I told them ‘the bridge comes first’,” she added.")
    cs = _claims(pipeline, text)
    outer = [c for c in cs if c["text"].startswith("“Tom Smith")]
    inner = [c for c in cs if c["text"].startswith("‘we are done")]
    assert len(outer) == 1 and len(inner) == 1, [(c["text"], c["speaker"]) for c in cs]
    assert outer[0]["speaker"]["name"] == "Ann Jones" and not outer[0]["reported_by"]
    assert inner[0]["speaker"]["name"] == "Tom Smith" and inner[0]["kind"] == "direct"
    assert [r["name"] for r in inner[0]["reported_by"]] == ["Ann Jones"]
    mine = [c for c in cs if c["text"].startswith("‘the bridge")]    # "I told them": the outer speaker herself
    assert len(mine) == 1 and mine[0]["speaker"]["name"] == "Ann Jones", [(c["text"], c["speaker"]) for c in cs]


def test_a_quoted_term_is_no_inner_claim(pipeline):
    text = ("“When you start calling these groups ‘holy warriors,’ you help them,” Ana Ruiz said. "
            "“It’s great to collect all these ‘firsts,’ but we go on,” she said.")
    cs = _claims(pipeline, text)
    assert not [c for c in cs if c["text"].startswith("‘")], [(c["text"], c["speaker"]) for c in cs]


def test_courtesy_title_against_a_namesakes_gender(pipeline):
    # "Mr Lindqvist" was joined to the daughter by counts; her own mentions ("Ella … she") say she is a woman
    text = ("Ella Lindqvist, 24, died in the fire at her flat in Malmo. Her father is the publisher Jon Lindqvist.\n"
            "Ella had moved to the city in May, and she had just started a new job. Ella loved the sea, and she "
            "swam every morning.\n"
            "Mr Lindqvist, who founded the publishing house in 1990, spoke to the court on Monday.\n"
            "He told the jury that his daughter had been days away from a trip to New York.")
    sp = speaker_of(pipeline, text, "days away")
    assert sp["name"] == "Jon Lindqvist", sp


def test_person_named_at_the_head_of_a_longer_speaker(pipeline):
    text = ("Sen. Nora Quint of Vermont said the banks should pay for the rescue. "
            "Paul Ekberg from Lund University said the figures were alarming.")
    assert speaker_of(pipeline, text, "banks should pay")["name"] == "Nora Quint"
    assert speaker_of(pipeline, text, "figures were alarming")["name"] == "Paul Ekberg"


def test_role_description_with_a_named_modifier(pipeline):
    # "the Conservative MP": the head noun is the role, not the party the mention covers
    text = ("Martin Crane, the Conservative MP for Epsom, spoke about the rail industry on Monday.\n"
            "Speaking in the Commons, the Conservative MP said: “It does not need to be like this.”\n"
            "The new trains arrived on Tuesday. The FBI director said the trains were safe.")
    sp = speaker_of(pipeline, text, "need to be like this")
    assert (sp["resolution"], sp["name"]) == ("description", "Martin Crane"), sp
    fbi = speaker_of(pipeline, text, "trains were safe")                # nobody named a director: kept
    assert fbi["name"] == "FBI director" and "entity_id" not in fbi, fbi


def test_definite_description_right_after_a_named_speaker(pipeline):
    text = ("The rail industry is struggling after months of closures.\n"
            "Martin Crane warned on Monday that the sector faced mass job cuts.\n"
            "Speaking in the Commons, the Conservative MP said: “It does not need to be like this.”")
    sp = speaker_of(pipeline, text, "need to be like this")
    assert (sp["resolution"], sp["name"]) == ("description", "Martin Crane"), sp


def test_he_after_an_unnamed_spokesperson(pipeline):
    text = ("Mary Vance, the union's general secretary, said the strikes would go ahead.\n"
            "A spokesperson for the Colleges Employers' Association said the offer was fair.\n"
            "“The employers have worked with the union for years,” he said.")
    sp = speaker_of(pipeline, text, "worked with the union")
    assert "spokesperson" in sp["name"] and "entity_id" not in sp, sp


def test_description_with_the_name_in_an_appositive(pipeline):
    text = ("The city sent a letter to the campaign on Friday.\n"
            "The state's campaign chairman, Peter Vollmer, said he had not seen the letter.")
    sp = speaker_of(pipeline, text, "not seen the letter")
    assert sp["name"] == "Peter Vollmer", sp


# -- descriptions need the text's own evidence (issue 17: "The Indiana governor" was given to Trump) --

def test_capitalised_description_without_evidence_stays_the_description(pipeline):
    # the governor is never named as such: the man named nearby (a subject, with "Ohio" around him) is not him
    text = ("Rita Vance says too much is made of the senator's speeches.\n"
            "The Democratic vice presidential nominee was speaking Friday in Dayton, Ohio, hours after "
            "Oscar Delmar attacked the press in a long speech.\n"
            "The Ohio governor said the voters and the press are to blame for the fuss.")
    sp = speaker_of(pipeline, text, "are to blame")
    assert sp["resolution"] == "explicit" and sp["name"] == "Ohio governor" and "entity_id" not in sp, sp


def test_capitalised_description_with_a_title_before_the_name(pipeline):
    text = ("Ohio Gov. Rita Vance spoke in Dayton on Friday, hours after Oscar Delmar attacked the press.\n"
            "The Ohio governor said the voters were tired of the fuss.")
    sp = speaker_of(pipeline, text, "tired of the fuss")
    assert (sp["resolution"], sp["name"]) == ("description", "Rita Vance"), sp


def test_capitalised_description_with_an_appositive(pipeline):
    text = ("Oscar Delmar attacked the press on Thursday. Rita Vance, the governor of Ohio, answered him in Dayton.\n"
            "Later that day the Ohio governor said the voters were tired of the fuss.")
    sp = speaker_of(pipeline, text, "tired of the fuss")
    assert (sp["resolution"], sp["name"]) == ("description", "Rita Vance"), sp


def test_role_word_used_for_someone_else_is_not_the_last_subject(pipeline):
    # "a question for the president": the woman asking is not the president; the president named first is
    text = ("President Alma Torvik answered questions from voters on Wednesday night.\n"
            "At the town hall, Gina Holm had a question for the president.\n"
            "“Why did you close the mine?” she asked.\n"
            "“The mine was losing money every single month,” the president said.")
    sp = speaker_of(pipeline, text, "losing money")
    assert (sp["resolution"], sp["name"]) == ("description", "Alma Torvik"), sp


def test_generic_person_nouns_link_to_nobody(pipeline):
    text = ("Senator Lena Ruiz visited the hospital on Monday.\n"
            "The wards were full, a source said.\n"
            "Ruiz met the nurses. The woman said the beds had run out in March.")
    src = speaker_of(pipeline, text, "wards were full")
    assert src["name"] == "source" and "entity_id" not in src, src
    woman = speaker_of(pipeline, text, "beds had run out")
    assert woman["name"] == "woman" and "entity_id" not in woman, woman


def test_vice_president_is_not_the_president_in_a_description(pipeline):
    text = ("Vice President Hugo Brandt toured the port on Monday. President Ada Sorel stayed in the capital.\n"
            "Brandt inspected the cranes. Hours later, Sorel met the dock workers.\n"
            "The president said the port would get new funds.")
    sp = speaker_of(pipeline, text, "new funds")
    assert sp["name"] == "Ada Sorel", sp


def test_compound_role_needs_its_noun(pipeline):
    # "the band leader" is not the congressman whose cookout it is
    text = ("Rep. Carl Dunmore opened his yard for the yearly cookout. Dunmore is counting on friends to carry his message.\n"
            "At his cookout, the band leader said the crowd was the biggest in years.")
    sp = speaker_of(pipeline, text, "biggest in years")
    assert sp["name"] == "band leader" and "entity_id" not in sp, sp


def test_role_from_what_the_person_does(pipeline):
    # "the owner" before and after the man who "runs the business" is named
    text = ("A Dallas bakery is changing its rules after the owner said a man stole the till on Tuesday.\n"
            "Rosa's Bakery was founded 40 years ago. On Tuesday, the owner said the man had waited for an hour.\n"
            "The founder's son, Amir Kasem, runs the business now, and he decided to install cameras.")
    first = speaker_of(pipeline, text, "stole the till")
    second = speaker_of(pipeline, text, "waited for an hour")
    assert first["name"] == second["name"] == "Amir Kasem", (first, second)


def test_bare_surname_is_not_the_relative_introduced_in_an_appositive():
    # the daughter is named in full more often; "…, the senator's eldest daughter," says she is the relative
    text = ("Senator Paul Kell unveiled his child-care plan. Nadia Kell, the senator's eldest daughter, helped write it. "
            "Nadia Kell spoke in Ohio. Nadia Kell spoke in Iowa. Kell said the plan would cost little.")
    ms = _mentions(text, [("Paul Kell", "Paul Kell", 0), ("Nadia Kell", "Nadia Kell", 0), ("Nadia Kell", "Nadia Kell", 1),
                          ("Nadia Kell", "Nadia Kell", 2), ("Kell", "Nadia Kell", 4)])
    bare = [m for m in split_shared_surnames(text, ms) if m.text == "Kell"]
    assert [m.name for m in bare] == ["Paul Kell"]


def test_organisation_title_before_the_name_fits_its_description(pipeline):
    text = ("Storms will keep coming back, warns World Coastal Trust (WCT) Director Amara N. Osei as she urged "
            "towns to build higher walls.\n"
            "Sea levels rose faster than expected last year in most of the region.\n"
            "The WCT Director also said that towns must keep their flood plans up to date.")
    sp = speaker_of(pipeline, text, "flood plans")
    assert (sp["resolution"], sp["name"]) == ("description", "Amara N. Osei"), sp


def test_pronoun_chain_through_pronouns_that_speak_no_claim(pipeline):
    # "He drove … He waited … He said": the chain goes back to Voss, not to the man he drove to meet
    text = ("Carl Voss, the port director, met the mayor, Tom Reed, on Monday.\n"
            "Reed later spoke to reporters about the budget.\n"
            "Voss left the meeting early. He drove to the docks to meet the union leader Sam Ortiz. "
            "He waited there for an hour. He said the strike would end by Friday.")
    sp = speaker_of(pipeline, text, "strike would end")
    assert (sp["resolution"], sp["name"]) == ("pronoun", "Carl Voss"), sp


def test_she_after_a_scene_with_her_own_pronouns(pipeline):
    text = ("Nora Pike watched the rally on television in her kitchen in Akron.\n"
            "“He really does care about us,” Pike said, and soon the balloons were dropping, Senator Glen Ward "
            "was waving to the crowd, and she was switching off the set. She did not need to hear more.\n"
            "“It’s over,” she said of the race, which she was sure Ward would win.")
    sp = speaker_of(pipeline, text, "It’s over")
    assert sp["name"] == "Nora Pike", sp


def test_a_sentence_ending_in_a_title_word_is_no_title_for_the_next_name(pipeline):
    # "… met the governor.\nHarlan, …": "governor." ends a sentence; it is not "Gov. Harlan" (which would
    # rule out the congressman and leave the wife, named far more often)
    text = ("Rep. Tom Harlan has served Kansas in Congress since 2014. His wife, Ruth Harlan, chairs the county "
            "food bank.\n"
            "Ruth Harlan said the food bank had run out of rice. Ruth Harlan thanked the volunteers. "
            "Ruth Harlan told the paper that the shelves would be refilled by Friday. Ruth Harlan met the governor.\n"
            "Harlan, who chairs the farm committee, said the bill would pass. He added that the vote would be close.")
    assert speaker_of(pipeline, text, "bill would pass")["name"] == "Tom Harlan"
    assert speaker_of(pipeline, text, "vote would be close")["name"] == "Tom Harlan"


def test_a_man_named_only_by_title_and_surname_is_not_his_wife_named_in_full(pipeline):
    # only the first lady has a full name; "Mr. Velez" and "President Velez" are someone else
    text = ("President Velez is rolling out a new campaign message this week.\n"
            "“Our progress is on the ballot,” Mr. Velez said in Miami. Advisers to Mr. Velez said the tour "
            "would last a month.\n"
            "He will be joined in Ohio by the first lady, Marta Velez, who rarely campaigns.\n"
            "Mr. Velez told the crowd that the vote would be close.")
    assert speaker_of(pipeline, text, "progress is on the ballot")["name"] == "Mr. Velez"
    close = speaker_of(pipeline, text, "vote would be close")
    assert close["name"] == "Mr. Velez" and close.get("entity_id") != "person:marta-velez", close


def test_the_person_an_article_is_about_takes_a_role_only_their_own_sentences_give(pipeline):
    # Orton is the article's main person; "his years as mayor" makes him "the former mayor", but
    # "Orton attacked the governor" does not make him "the governor"
    text = ("Dan Orton has spent a fortune on his campaign. Orton raised taxes on cigarettes during his years as mayor.\n"
            "Orton attacked the governor in a speech on Monday. Orton also visited a school in Reno.\n"
            "Critics say the plan failed. In the speech, the former mayor argued that the tax had saved lives.\n"
            "Later, the governor said the attack was unfair.")
    mayor = speaker_of(pipeline, text, "tax had saved lives")
    assert (mayor["resolution"], mayor["name"]) == ("description", "Dan Orton"), mayor
    gov = speaker_of(pipeline, text, "attack was unfair")
    assert gov["name"] == "governor" and "entity_id" not in gov, gov


def test_speech_participle_after_a_reported_clause_is_the_reporters(pipeline):
    # ", highlighting that …" hangs off the clause Osei reports; the towns do not highlight anything
    text = ("Dr Amara Osei spoke to reporters in Accra on Thursday.\n"
            "Dr Osei also warned that some towns and districts have cut their flood budgets too soon, "
            "highlighting that data “is our best defence against the sea.”")
    sp = speaker_of(pipeline, text, "best defence")
    assert sp["name"] in ("Amara Osei", "Dr Osei"), sp


def test_a_place_ending_the_sentence_before_is_no_part_of_the_next_title(pipeline):
    # "… in Dayton, Ohio. Gov. Rita Vance of Kentucky": "Ohio" belongs to the sentence before; she governs Kentucky
    text = ("The storm hit Dayton, Ohio. Gov. Rita Vance of Kentucky sent the guard on Monday.\n"
            "The Ohio governor said the roads would reopen by Friday.")
    sp = speaker_of(pipeline, text, "roads would reopen")
    assert sp["name"] == "Ohio governor" and "entity_id" not in sp, sp


def test_wife_introduced_by_first_name_does_not_take_the_bare_surname(pipeline):
    # she is named in full more often, but "his wife Marta" introduces her through him
    text = ("President Anton Borisov visited his wife Marta in hospital on Friday, his spokesman Ivan Petrov said.\n"
            "Marta Borisov had a kidney operation last week.\n"
            "\"Marta Borisov looks well, she is active, she is getting better,\" Petrov quoted Borisov as saying.")
    assert speaker_of(pipeline, text, "looks well")["name"] == "Anton Borisov"


# -- nationality nouns and state modifiers (issue 17: "The Briton", "the Vermont senator") --------

def test_nationality_noun_is_the_person_named_before(pipeline):
    text = ("Former champion Frank Dillon has quit the ring on medical advice, a newspaper reported on Friday.\n"
            "A doctor told the 35-year-old Dillon that he could lose an eye if he boxed again, the newspaper said.\n"
            "The Briton, who lost his title in March, said: \"I was in shock as soon as he told me.\"")
    assert speaker_of(pipeline, text, "in shock")["name"] == "Frank Dillon"


def test_nationality_noun_follows_the_phrase_that_gives_it(pipeline):
    # the subject is the German; the phrase "American President" says who the American is
    text = ("Angela Merkel met American President Donald Trump in Berlin on Monday. "
            "The American said the talks were good.")
    assert speaker_of(pipeline, text, "talks were good")["name"] == "Donald Trump"


def test_plural_nationality_noun_is_no_person(pipeline):
    sp = speaker_of(pipeline, "Donald Trump met Angela Merkel on Monday. The Americans said the talks were good.",
                    "talks were good")
    assert sp["name"] != "Donald Trump", sp


def test_state_modifier_of_a_role_goes_to_the_person_named_just_before(pipeline):
    text = ("Sen. Ada Mills of Ohio spoke first. Republicans opposed the bill.\n"
            "Democratic candidate Nora Quint is not answering the attacks. "
            "Instead, the Vermont senator said the bill would cut drug prices by a third.")
    assert speaker_of(pipeline, text, "drug prices")["name"] == "Nora Quint"      # not the senator named before
    # another office or organisation rules her out: a governor is not "the Vermont senator", nor a CIA
    # director "the FBI director"
    other = "Gov. Nora Quint introduced the bill on Tuesday. The Vermont senator said the bill would cut drug prices."
    assert "entity_id" not in speaker_of(pipeline, other, "drug prices")
    fbi = "CIA Director Nora Quint spoke on Tuesday. The FBI director said the bill would cut drug prices."
    assert "entity_id" not in speaker_of(pipeline, fbi, "drug prices")



def test_he_after_a_person_introduced_with_an_indefinite_article(pipeline):
    # "an engineer" brings in someone new: the he that follows is him, not the person named before
    text = ("Dana Ruiz has covered the city council for a decade and writes about housing.\n"
            "The old mill on River Street burned down in 1990. That night an engineer was inspecting the "
            "boilers, and he noticed smoke near the loading dock.\n"
            "He concluded that the fire had started in the wiring.")
    spk = speaker_of(pipeline, text, "started in the wiring")
    assert spk["name"] == "engineer" and "entity_id" not in spk
    # "there was a …" introduces one too; a named speaker after it is still the one a he means
    text = ("Marco Bell runs the ferry to the island.\n"
            "Years ago there was a fisherman who lived by the pier. He said the tides had changed.\n"
            "Ana Voss met the fisherman's son in March. Voss said the ferry would stop in winter. "
            "Mr. Bell said he disagreed with her.")
    assert speaker_of(pipeline, text, "tides had changed")["name"] == "fisherman"
    # an unnamed person ranks below a named one at the same distance
    text = ("That night, I went on the radio show. I told Dana Pruitt that the city tried to close my shop, "
            "but a federal judge refused to let them. “Only you, Sam,” she said, would "
            "celebrate a fine.")
    assert speaker_of(pipeline, text, "Only you")["name"] == "Dana Pruitt"


def test_lower_case_role_noun_tagged_as_a_name_is_no_organisation(pipeline):
    # "chancellor" among capitalised words is tagged a proper noun; the Duchy is only whose chancellor
    text = "The Green Party’s chancellor of the Duchy said on Friday that the tax would rise."
    spk = speaker_of(pipeline, text, "tax would rise")
    assert spk["name"] == "Green Party’s chancellor of the Duchy" and "entity_id" not in spk


def test_a_person_brought_in_without_a_name_is_no_antecedent_sentences_later(pipeline):
    # the boy of the story told three sentences back is not the "he" who answers now
    text = ("“Why did you take the bus?” I asked.\n"
            "A boy had waved at me from the corner that morning. I crossed the street to meet him. "
            "The wind was cold. The lights were red. The man behind the counter only shrugged.\n"
            "“Buses are cheaper than taxis,” he said.")
    # no one named or brought in within reach: "he" stays unresolved (the man behind the counter is a
    # definite description, no unnamed-person antecedent)
    spk = speaker_of(pipeline, text, "cheaper than taxis")
    assert (spk["name"], spk["resolution"]) == ("he", "pronoun"), spk


def test_they_never_means_an_event(pipeline):
    # "the Gulf War" is named last, but a war says nothing: "they" are the party
    text = ("The Liberal Party backed the Gulf War in 1991. Better planning was all that was missing, "
            "they said.")
    assert speaker_of(pipeline, text, "Better planning")["name"] == "Liberal Party"


@pytest.mark.parametrize("lemma, gender", [
    ("human", None), ("german", None), ("specimen", None), ("omen", None),
    ("fisherman", "m"), ("cameraman", "m"), ("chairwoman", "f"),
])
def test_a_noun_that_only_ends_like_man_says_no_gender(lemma, gender):
    from workers.pipeline.claims.gender import noun_gender
    assert noun_gender(lemma) == gender
