"""The cached attribute ruler + lemmatizer (workers/pipeline/fast_attributes.py) give the model's
own components' output, token for token, and replace them in the shared English pipeline."""

from __future__ import annotations

from workers.pipeline.nlp import LINE_BREAK_COMPONENT, MODELS, english

# spaCy is imported inside the tests: collecting this file must not load it (`-m unit` checks)

TEXTS = [
    # multi-token rules ("gon na", "let 's", "ai n't", "y' all", "c'm on"), rules reading DEP
    # ("I"/"you"/"it" as subject or object, "there is", "but" as advmod), space tokens
    "Y'all gon na see it. I ain't going, let's go. C'mon now!  \n\n  There is a cat, but it saw me.",
    "You told it to me, and I gave it to you. Nothing's wrong; we got ta leave.\n\tThey did.",
    "Senator Jane Miller said on Monday that the deal would cut taxes. \"It works,\" she said.",
    "The ships left Busan on Monday, officials said, according to reports. Did they? Yes, they did.",
]


def _attributes(doc):
    return [(t.text, t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in doc]


def test_same_attributes_as_the_model_components() -> None:
    import spacy
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG

    from workers.pipeline.fast_attributes import NAME

    ATTRS = [POS, TAG, MORPH, LEMMA, DEP, HEAD, SENT_START, ENT_IOB, ENT_TYPE]
    fast = english()
    plain = spacy.load(MODELS["en"])  # attribute_ruler + lemmatizer as shipped
    plain.add_pipe(LINE_BREAK_COMPONENT, before="parser")
    assert NAME in fast.pipe_names and NAME not in plain.pipe_names
    for text in TEXTS + ["\n".join(TEXTS)]:
        a, b = fast(text), plain(text)
        assert _attributes(a) == _attributes(b)
        assert (a.to_array(ATTRS) == b.to_array(ATTRS)).all()


def test_the_component_sets_what_the_ruler_sets_and_keeps_ruler_lemmas() -> None:
    from workers.pipeline.fast_attributes import NAME

    nlp = english()
    fast = nlp.get_pipe(NAME)
    doc = nlp("Let's go, they're gon na win.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["'s"] == "us" and lemmas["gon"] == "go" and lemmas["na"] == "to"  # multi-token rules
    assert lemmas["'re"] == "be"
    assert fast.values  # the per-key cache was used
    assert not {"attribute_ruler", "lemmatizer"} & set(nlp.pipe_names)  # disabled: they do not run
