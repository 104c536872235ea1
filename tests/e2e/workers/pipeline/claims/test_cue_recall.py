"""Cue families real news uses beyond the verb lexicon (issue 17, content recall): light-verb noun
cues, parenthetical citations, continued quotations, one-word requests, gerund and "to" complements,
and the findings that are no proposition — on sentences written here, through ``build_pipeline()``."""

from __future__ import annotations

import pytest
from claim_texts import attributed

pytestmark = pytest.mark.e2e


def one(pipeline, text: str, words: str) -> dict:
    got = [c for c in attributed(pipeline, text) if words in c["text"]]
    assert len(got) == 1, attributed(pipeline, text)
    return got[0]


@pytest.mark.parametrize("text, cls, speaker, words", [
    # a cue noun as the object of a light verb: the verb's subject voices it
    ("The senator joined growing calls on Monday for an independent review of the contract.",
     "request", "The senator", "independent review of the contract"),
    ("Farm unions voiced concern that the new import rules would ruin small dairies.",
     "belief", "Farm unions", "new import rules would ruin"),
    ("Earlier digs have turned up evidence of early farmers storing grain in clay jars.",
     "belief", "Earlier digs", "farmers storing grain"),
    # … or comes "from" its source
    ("The airline has faced criticism from passengers for cancelling hundreds of flights.",
     "evaluative", "passengers", "cancelling hundreds of flights"),
])
def test_light_verb_noun_cues(pipeline, text, cls, speaker, words):
    c = one(pipeline, text, words)
    assert c["cue"]["class"] == cls and speaker in c["speaker"]["text"]


@pytest.mark.parametrize("text", [
    "The company made a decision to close the plant in the spring.",     # a decision: no statement
    "He made a call to his mother from the station on Sunday.",          # a phone call
    "The team faced criticism for its slow start to the season.",        # no source named
])
def test_light_verbs_without_a_statement_or_a_source(pipeline, text):
    assert [c for c in attributed(pipeline, text) if c["cue"]["lemma"] in ("decision", "call", "criticism")] == []


def test_a_parenthetical_citation_attributes_its_sentence(pipeline):
    text = ("Sea levels along the coast have risen faster than the global average since 1990 "
            "(National Oceanography Centre, 2021). The rise is expected to speed up after 2050, as ice "
            "sheets lose mass (Hansen, University of Bristol).")
    got = attributed(pipeline, text)
    by_cue = {c["cue"]["text"]: c for c in got}
    a = by_cue["(National Oceanography Centre, 2021)"]
    assert a["speaker"]["text"] == "National Oceanography Centre" and a["text"].startswith("Sea levels")
    assert "(" not in a["text"]
    b = by_cue["(Hansen, University of Bristol)"]
    assert b["speaker"]["text"] == "Hansen" and "speed up after 2050" in b["text"]


@pytest.mark.parametrize("text", [
    "She grew up in a small town near the coast (Brest, France).",             # a place
    "The bill was introduced by Senator Mark Lee last week (R-Texas).",         # a party tag
    "Shares of the company fell by four percent on Monday (NASDAQ: ACME).",     # a ticker
])
def test_parentheses_that_are_no_citation(pipeline, text):
    assert [c for c in attributed(pipeline, text) if c["cue"]["lemma"] == "citation"] == []


def test_a_citation_on_a_cue_sentence_reports_that_attribution(pipeline):
    text = ("Dr Ana Ruiz confirms that the glacier has lost a third of its mass since 1980 "
            "(Alpine Research Institute, 2022).")
    [c] = attributed(pipeline, text)
    assert c["speaker"]["text"] == "Dr Ana Ruiz" and "(" not in c["text"]
    assert [r["text"] for r in c["reported_by"]] == ["Alpine Research Institute"]


def test_a_quoted_sentence_after_an_attributed_quote_is_the_same_speakers(pipeline):
    text = ("Health minister Lena Ortiz warned that the data “are our eyes and ears in this outbreak.” "
            "“We must change our plans as soon as cases rise again, to save lives.”\n\n"
            "The ministry published new figures on Friday.")
    c = one(pipeline, text, "change our plans")
    assert c["kind"] == "direct" and "Lena Ortiz" in c["speaker"]["text"]


def test_a_quote_with_no_attributed_quote_before_it_gets_no_speaker(pipeline):
    text = ("The ministry published new figures on Friday.\n\n"
            "“We must change our plans as soon as cases rise again, to save lives.”")
    assert attributed(pipeline, text) == []


@pytest.mark.parametrize("text, words", [
    ("The governor called for calm after the arrest of the premier.", "calm"),
    ("The mayor urged calm and patience while the police investigate.", "calm and patience"),
])
def test_a_one_word_request(pipeline, text, words):
    c = one(pipeline, text, words)
    assert c["cue"]["class"] == "request" and c["text"].strip() == words


def test_an_addressee_is_no_request_content(pipeline):
    assert attributed(pipeline, "The mayor urged residents on Sunday after the flood.") == []


@pytest.mark.parametrize("text, cls, speaker, words", [
    ("The former mayor has admitted making rude remarks about his staff.", "admission", "The former mayor", "making rude remarks"),
    ("Activists pushed the retailer to take a tougher stance on plastic waste.", "request", "Activists", "take a tougher stance"),
    ("The minister warned against a “one-size-fits-all” approach to the lockdown.", "speech", "The minister", "one-size-fits-all"),
    ("Scientists attribute the rise to a mix of factors, including warmer seas.", "belief", "Scientists", "mix of factors"),
    ("The union called for the managers to be removed from the board.", "request", "The union", "managers to be removed"),
])
def test_complements_of_cue_verbs(pipeline, text, cls, speaker, words):
    c = one(pipeline, text, words)
    assert c["cue"]["class"] == cls and c["speaker"]["text"] == speaker


def test_an_announced_object_keeps_its_infinitive(pipeline):
    c = one(pipeline, "The carmaker announced a new plan to build batteries in Ohio.", "build batteries")
    assert "plan to build" in c["text"]


@pytest.mark.parametrize("text, cue", [
    ("In the cave, the researchers found a stone tool with a wooden handle.", "find"),   # an object found
    ("Investigators will determine whether the fire was set on purpose.", "determine"),   # an open question
])
def test_findings_that_are_no_proposition(pipeline, text, cue):
    assert [c for c in attributed(pipeline, text) if c["cue"]["lemma"] == cue] == []


def test_a_finding_of_evidence_or_by_an_inquiry_stays(pipeline):
    c = one(pipeline, "The study found a strong link between poor sleep and memory loss.", "strong link")
    assert c["cue"]["class"] == "belief"


def test_a_reporting_participle_is_the_reporters(pipeline):
    text = ("The health minister warned that some regions had eased the rules too soon, highlighting "
            "that testing “is our eyes and ears in this outbreak.”")
    c = one(pipeline, text, "eyes and ears")
    assert c["cue"]["lemma"] == "highlight" and c["speaker"]["text"] == "The health minister"


def test_that_is_the_view_of_names_the_sentence_before(pipeline):
    text = ("The national team will struggle to compete without regular games on the island.\n\n"
            "That is the view of former coach Ana Lopez as the team prepares for the new season.")
    c = one(pipeline, text, "struggle to compete")
    assert "Ana Lopez" in c["speaker"]["text"] and c["cue"]["text"] == "That is the view"


def test_a_view_from_a_place_is_no_source(pipeline):
    text = "The bridge was closed for repairs in May. This is the view from the top of the old tower."
    assert [c for c in attributed(pipeline, text) if c["cue"]["lemma"] == "view"] == []


def test_it_asking_for_something_is_a_document_speaking(pipeline):
    text = ("The report by the teachers' union was published on Monday. It calls on the ministry to "
            "publish the number of temporary staff at every school.")
    c = one(pipeline, text, "publish the number")
    assert c["cue"]["class"] == "request"


@pytest.mark.parametrize("text, speaker", [
    ("“The economy is in good shape,” he was quoted as saying.", "he"),
    ("“My sister is trying to get an appointment,” the man could be heard saying.", "the man"),
])
def test_a_quote_before_a_framed_cue(pipeline, text, speaker):
    c = one(pipeline, text, "is")
    assert c["kind"] == "direct" and c["speaker"]["text"] == speaker and c["cue"]["lemma"] == "say"


def test_a_quote_after_an_inverted_cue_joins_its_content(pipeline):
    text = ("None of the buyers were charged on Wednesday, Levy said, but “I want to stress that this "
            "investigation is only getting going.”")
    [c] = attributed(pipeline, text)
    assert c["speaker"]["text"] == "Levy" and "buyers were charged" in c["text"] and "getting going" in c["text"]


def test_a_parenthetical_cue_the_parse_made_the_root(pipeline):
    text = "Making and using birch tar, the researchers note, requires some degree of complex planning."
    c = one(pipeline, text, "complex planning")
    assert c["speaker"]["text"] == "the researchers" and c["text"].startswith("Making and using birch tar")


def test_an_occasion_is_no_speaker(pipeline):
    text = "The attorney general spoke at a news conference announcing that her office was suing the state."
    c = one(pipeline, text, "suing the state")
    assert c["speaker"]["text"] == "The attorney general"


def test_a_recording_depicts_and_states_nothing(pipeline):
    text = "Video obtained from the shop shows the man entering the building at about 10:40 a.m. on Tuesday."
    assert [c for c in attributed(pipeline, text) if c["cue"]["lemma"] == "show"] == []
    stated = "Video from the scene shows that the driver had stopped at the red light."
    assert [c["cue"]["lemma"] for c in attributed(pipeline, stated)] == ["show"]


def test_a_fronted_occasion_names_no_one(pipeline):
    text = ("At a news conference announcing her appointment, a reporter asked the judge about the "
            "backlog of cases in the county courts.")
    assert [c for c in attributed(pipeline, text) if c["cue"]["lemma"] == "announce"] == []


def test_a_that_clause_after_a_time_clause(pipeline):
    text = ("The mayor said in a statement after the recording became public that the remarks do not "
            "reflect her views on policing.")
    c = one(pipeline, text, "remarks do not reflect")
    assert c["speaker"]["text"] == "The mayor" and "recording became public" not in c["text"]


def test_a_phone_call_is_no_statement(pipeline):
    text = "The newspaper called the county sheriff's office asking questions about the arrest."
    assert [c for c in attributed(pipeline, text) if c["cue"]["lemma"] == "call"] == []


def test_a_date_is_no_content(pipeline):
    text = "The home side will oppose the visitors on June 2 in the first round of the cup."
    assert [c for c in attributed(pipeline, text) if "June 2" in c["text"]] == []


@pytest.mark.parametrize("text, cls, speaker, words", [
    ("The prime minister faced calls from opposition leaders to resign over the scandal.",
     "request", "opposition leaders", "to resign over the scandal"),
    ("Critics have raised questions about whether the vaccine was tested properly.",
     "belief", "Critics", "vaccine was tested properly"),
])
def test_more_light_verb_nouns(pipeline, text, cls, speaker, words):
    c = one(pipeline, text, words)
    assert c["cue"]["class"] == cls and c["speaker"]["text"] == speaker


@pytest.mark.parametrize("text", [
    "Rising seas pose a threat to the homes of millions of people along the coast.",   # no one speaks
    "The moderator's question about race relations drew loud applause in the hall.",  # a question's topic
    "The court's decision raised questions about what the law will mean for tenants.",  # no one asks
])
def test_nouns_that_voice_nothing(pipeline, text):
    assert [c for c in attributed(pipeline, text) if c["cue"]["lemma"] in ("threat", "question")] == []


def test_those_were_the_words_of(pipeline):
    text = "“This is a historic day for our country.” Those were the words of President Ana Diaz on Monday."
    c = one(pipeline, text, "historic day")
    assert c["kind"] == "direct" and "Ana Diaz" in c["speaker"]["text"]


def test_a_closing_cue_the_parse_left_without_complement(pipeline):
    text = ("While most adults in the region are vaccinated, and many clinics have begun to give boosters, "
            "we must now “double our efforts to reach the elderly,” as soon as possible, Dr Maria Ortiz said.")
    c = one(pipeline, text, "double our efforts")
    assert "Maria Ortiz" in c["speaker"]["text"]


def test_a_closing_cue_with_its_own_object_is_no_frame(pipeline):
    text = "But when the council cut the funding for the program two years later, the town said enough."
    assert [c for c in attributed(pipeline, text) if "council cut" in c["text"]] == []


def test_a_light_verb_noun_wins_over_the_light_verb(pipeline):
    text = "The decision drew praise from environmental groups for protecting the wetlands."
    c = one(pipeline, text, "protecting the wetlands")
    assert c["cue"]["lemma"] == "praise" and c["speaker"]["text"] == "environmental groups"


def test_a_passive_coordinated_addressee_verb_names_no_teller(pipeline):
    assert [c for c in attributed(pipeline, "She was hired without an interview and told to read out the old notes.")
            if c["cue"]["lemma"] == "tell"] == []
    [c] = attributed(pipeline, "He was arrested and told police that he was innocent.")
    assert c["speaker"]["text"] == "He" and "innocent" in c["text"]


def test_admitted_to_a_gerund(pipeline):
    c = one(pipeline, "The plumber admitted to forgetting to fit the screws on the boiler.", "forgetting to fit")
    assert c["cue"]["class"] == "admission" and c["speaker"]["text"] == "The plumber"
    assert [c for c in attributed(pipeline, "He was admitted to hospital on Monday night.") if c["cue"]["lemma"] == "admit"] == []


@pytest.mark.parametrize("text, speaker, words", [
    # a name given in quotation, however the parse hung the object on it
    ("The critic called the new opera house “a glass shoebox” in her column.", "The critic", "a glass shoebox"),
    ("Critics called both the mayor and his deputy “out of touch” after the vote.", "Critics", "out of touch"),
])
def test_a_name_given_in_quotation_is_speech(pipeline, text, speaker, words):
    c = one(pipeline, text, words)
    assert c["cue"]["lemma"] == "call" and c["cue"]["class"] == "speech" and c["speaker"]["text"] == speaker


def test_a_phone_call_is_no_name_given(pipeline):
    assert [c for c in attributed(pipeline, "She called the office twice on Monday about the leak.")
            if c["cue"]["lemma"] == "call"] == []


@pytest.mark.parametrize("text, speaker, words", [
    # a quotation closed by a comma before its speaker is the cue's, whatever the parse hung after the cue
    ("“We will rebuild the bridge by spring,” the governor said, promising crews would work around the clock.",
     "the governor", "We will rebuild the bridge by spring"),
    ("“The vote was rigged,” the candidate said, adding the count would be challenged in court.",
     "the candidate", "The vote was rigged"),
])
def test_a_quotation_before_its_speaker_and_cue(pipeline, text, speaker, words):
    c = one(pipeline, text, words)
    assert c["kind"] == "direct" and c["speaker"]["text"] == speaker and c["cue"]["lemma"] == "say"


@pytest.mark.parametrize("text, speaker, content", [
    # a "that" clause after a long run of the cue's adverbials (the parse made it a relative clause)
    ("The minister said late on Tuesday during a visit to the port that exports would rise next year.",
     "The minister", "exports would rise next year"),
    # a clause with a gerund subject (the parse made the gerund an xcomp of the cue)
    ("He said taxing it could raise millions for the schools where budgets are tight.", "He",
     "taxing it could raise millions for the schools where budgets are tight"),
])
def test_reported_clauses_the_parse_hung_elsewhere(pipeline, text, speaker, content):
    c = one(pipeline, text, content)
    assert c["text"] == content and c["speaker"]["text"] == speaker and c["cue"]["class"] == "speech"


def test_a_relative_clause_after_the_cues_adverbials_is_no_content(pipeline):
    text = "The senator spoke on Friday at a rally in the capital of the state that she would visit again."
    assert [c for c in attributed(pipeline, text) if "visit again" in c["text"]] == []


@pytest.mark.parametrize("text, lemma, content", [
    # an indirect yes/no question the parse took for a conditional
    ("She asked the clerk if the office was open.", "ask", "the office was open"),
    # an addressee and adverbials between the cue and its "that" clause
    ("The club has praised the new stadium plan, telling fans during a meeting in the town hall on Friday "
     "that tickets would stay cheap.", "tell", "tickets would stay cheap"),
])
def test_questions_and_that_clauses_after_an_addressee(pipeline, text, lemma, content):
    got = [c for c in attributed(pipeline, text) if c["cue"]["lemma"] == lemma]
    assert len(got) == 1 and got[0]["text"] == content, attributed(pipeline, text)


def test_a_conditional_after_a_request_is_no_question(pipeline):
    got = attributed(pipeline, "He will ask for a refund if the train is late.")
    assert not any("train is late" in c["text"] for c in got)


def test_a_second_act_the_parse_hung_on_the_content_is_the_speakers_own(pipeline):
    text = "The mayor said the budget was balanced and accused the council of hiding its debts."
    got = {c["cue"]["lemma"]: c for c in attributed(pipeline, text)}
    assert got["say"]["text"] == "the budget was balanced"
    assert got["accuse"]["speaker"]["text"] == "The mayor" and "hiding its debts" in got["accuse"]["text"]


def test_coordinated_clauses_of_one_statement_stay_together(pipeline):
    got = attributed(pipeline, "She said prices rose and wages fell.")
    assert [c["text"] for c in got] == ["prices rose and wages fell"]


def test_a_reference_naming_in_quotation_is_speech_a_plain_reference_a_topic(pipeline):
    named = [c for c in attributed(pipeline, "He referred to Rubio as “a bright, charismatic leader” on Monday.")
             if c["cue"]["lemma"] == "refer"]
    assert len(named) == 1 and "charismatic leader" in named[0]["text"] and named[0]["cue"]["class"] == "speech"
    plain = attributed(pipeline, "He was referring to the party’s July convention.")
    assert [c for c in plain if c["cue"]["lemma"] == "refer"] == []


def test_a_portrayal_is_an_evaluation_of_its_object_as_something(pipeline):
    got = [c for c in attributed(pipeline, "For months she has portrayed her rival as a relic of the past.")
           if c["cue"]["lemma"] == "portray"]
    assert len(got) == 1 and got[0]["text"] == "her rival as a relic of the past"
    assert got[0]["cue"]["class"] == "evaluative"


@pytest.mark.parametrize("text, speaker, words, kind", [
    # "<Speaker> on|to|at <…>: <statement>": a headline's speaker with a topic, an audience or a place
    ("Warren on the Senate Budget Deal: ‘It Is a Giveaway to the Banks.’\n\nSen. Elizabeth Warren spoke in Boston.",
     "Warren", "Giveaway to the Banks", "direct"),
    ("Mayor Lena Ortiz to City Workers: Pay raises will come in the spring.\n\nThe mayor met the unions.",
     "Lena Ortiz", "Pay raises will come", "indirect"),
    ("Former Judge Amos Reed at Yale: The court has lost its way.\n\nReed gave a lecture on Monday.",
     "Amos Reed", "court has lost its way", "indirect"),
])
def test_headline_speaker_with_a_topic(pipeline, text, speaker, words, kind):
    c = one(pipeline, text, words)
    assert c["cue"]["text"] == ":" and speaker in c["speaker"]["text"] and c["kind"] == kind


@pytest.mark.parametrize("text", [
    "Update on the Iowa Caucuses: Turnout was high across the state.\n\nVoters came out on Monday night.",
    "Guide to the Primaries: What happens next in the race for delegates.\n\nThe race goes on.",
    "Senate Vote on the Budget Deal: The bill passed by a wide margin.\n\nThe vote was held late.",
    "Warren on the Budget: Will she vote for the deal in the end?\n\nWarren has not said.",
])
def test_a_section_label_with_a_topic_is_no_speaker(pipeline, text):
    assert [c for c in attributed(pipeline, text) if c["cue"]["text"] == ":"] == []


@pytest.mark.parametrize("text, speaker, words", [
    ("The campaign raised $5.6 million in January, bringing its total to $95 million.\n\n"
     "That’s according to fundraising reports the campaign filed on Saturday.", "fundraising reports", "raised $5.6 million"),
    ("Turnout in the state reached a record high on Tuesday. That is according to the secretary of state's office.",
     "the secretary of state's office", "Turnout in the state"),
])
def test_thats_according_to_points_back_at_the_sentence_before(pipeline, text, speaker, words):
    c = one(pipeline, text, words)
    assert c["cue"]["text"].lower() == "according to" and c["speaker"]["text"] == speaker
    assert not c["text"].startswith("That")


def test_a_demonstrative_inside_the_clause_is_no_pointer(pipeline):
    text = "According to the mayor, the bridge will reopen in May. That is not true, according to engineers."
    got = [c for c in attributed(pipeline, text) if c["speaker"]["text"] == "engineers"]
    assert got and all("reopen" not in c["text"] for c in got)


@pytest.mark.parametrize("text, speaker, answer", [
    ("Asked whether they would vote for the mayor again, 75 percent of residents said yes.", "75 percent of residents", "yes"),
    ("Asked if he would run for a third term, the senator said no.", "the senator", "no"),
    # the question quoted before the answer is not what they said
    ("Asked whether the mayor “has the integrity to serve,” 72 percent of residents said yes.", "72 percent of residents", "yes"),
])
def test_a_one_word_answer_is_what_was_said(pipeline, text, speaker, answer):
    got = [c for c in attributed(pipeline, text) if c["cue"]["text"] == "said"]
    assert len(got) == 1 and got[0]["text"] == answer and got[0]["speaker"]["text"] == speaker
    assert got[0]["cue"]["class"] == "speech"


@pytest.mark.parametrize("text", [
    "She said no to the offer of a second term on the board.",      # an offer turned down
    "The coach said no one would notice the change in the lineup.",  # "no" opens the clause
])
def test_no_that_is_no_answer(pipeline, text):
    assert all(c["text"] not in ("no", "yes") for c in attributed(pipeline, text))


@pytest.mark.parametrize("text, speaker, words", [
    ("Several council members joined Ortiz’s call for an independent audit.", "Ortiz", "independent audit"),
    ("The governor's calls for stricter building codes have gone nowhere in the legislature.", "governor", "stricter building codes"),
])
def test_an_owned_lexicon_noun_is_not_left_to_the_filter(pipeline, text, speaker, words):
    c = one(pipeline, text, words)
    assert c["cue"]["class"] == "request" and speaker in c["speaker"]["text"]


def test_an_owned_noun_outside_the_lexicon_is_no_cue(pipeline):
    assert attributed(pipeline, "His disdain for the local press is well known in the county.") == []


@pytest.mark.parametrize("text, speaker, words", [
    # a name compounded before the noun, or "by" after it, owns it
    ("The clinic refused to comply with the FDA demand that the trial be halted at once.", "FDA", "trial be halted"),
    ("The main obstacle is a demand, by Senator Ruth Adler, that the bill include paid leave.", "Ruth Adler", "bill include paid leave"),
    ("There were calls from Senator Ruth Adler for an independent inquiry into the crash.", "Ruth Adler", "independent inquiry"),
    # the "that" clause a few words after the noun, hung elsewhere by the parse
    ("She was questioned over her statement on Friday that the budget was balanced, but stayed calm.", "her", "budget was balanced"),
])
def test_a_cue_noun_owned_without_a_possessive(pipeline, text, speaker, words):
    c = one(pipeline, text, words)
    assert speaker in c["speaker"]["text"] and c["cue"]["class"] in ("speech", "request", "evaluative")


@pytest.mark.parametrize("text", [
    "The claim that the bridge was unsafe has been debunked by engineers.",     # no owner
    "The Ohio plan for new schools will cost two million dollars a year.",       # no cue noun
])
def test_an_unowned_cue_noun_is_no_attribution(pipeline, text):
    assert attributed(pipeline, text) == []


@pytest.mark.parametrize("text, speaker, words", [
    ("Campaign staff toured the county on Sunday, confident that turnout would be high.", "Campaign staff", "turnout would be high"),
    ("Confident that the vote would pass, the mayor left the chamber early.", "the mayor", "vote would pass"),
])
def test_a_belief_adjective_clause_on_the_main_verb(pipeline, text, speaker, words):
    c = one(pipeline, text, words)
    assert c["cue"]["class"] == "belief" and c["speaker"]["text"] == speaker


def test_an_adjective_clause_without_a_that_clause_is_no_cue(pipeline):
    text = "The mayor left the chamber early, confident of victory in the vote."
    assert [c for c in attributed(pipeline, text) if c["cue"]["lemma"] == "confident"] == []


def test_a_one_word_answer_survives_page_furniture(pipeline):
    text = ("We will win! pic.twitter.com/abc123 — Lena Ortiz (@lenaortiz) March 21, 2020\n\n"
            "Asked whether she would run for a second term, the mayor said yes.")
    got = [c for c in attributed(pipeline, text) if c["cue"]["text"] == "said"]
    assert [c["text"] for c in got] == ["yes"]


@pytest.mark.parametrize("text, speaker, words", [
    ("Unions are shifting to campaign mode. Their argument: Only a new contract can stop the strikes.", "Their", "new contract can stop"),
    ("Acme's message: Moving the plant abroad is part of the company's plan to cut costs.", "Acme", "Moving the plant abroad"),
])
def test_an_owned_statement_noun_before_a_colon(pipeline, text, speaker, words):
    c = one(pipeline, text, words)
    assert speaker in c["speaker"]["text"] and c["cue"]["class"] == "speech"


@pytest.mark.parametrize("text", [
    "His plan: build a new stadium and make the city pay for it.",     # a plan is no statement
    "Her schedule: Iowa on Monday, New Hampshire on Tuesday, Ohio next.",
])
def test_an_owned_noun_before_a_colon_that_is_no_statement(pipeline, text):
    assert attributed(pipeline, text) == []
