"""Line breaks end sentences in the shared English parse (nlp.line_break_sentences)."""

from __future__ import annotations

from workers.pipeline.document import AnalysisDoc
from workers.pipeline.nlp import english, parsed_chunks

TEXT = (
    "Senate Passes Budget Deal After Late-Night Vote\n"
    "Tuesday, March 3\n\n"
    "Senator Jane Miller said on Monday that the deal would cut taxes for small firms. "
    "Critics disagreed.\n"
    "  The vote was 52 to 48"
)


def _sentence_texts(text: str) -> list[str]:
    doc = AnalysisDoc(id="t", article={"text": text})
    doc.text = text
    out = []
    for off, sdoc in parsed_chunks(doc):
        for s in sdoc.sents:
            out.append(text[off + s.start_char: off + s.end_char])
    return out


def test_no_sentence_runs_over_a_line_break() -> None:
    for s in _sentence_texts(TEXT):
        # a sentence may end with the break, never continue after it
        assert "\n" not in s.rstrip(), repr(s)


def test_every_line_starts_a_sentence() -> None:
    starts = {t.idx for t in english()(TEXT) if t.is_sent_start}
    pos = 0
    for line in TEXT.split("\n"):
        stripped = line.lstrip()
        if stripped:
            assert pos + len(line) - len(stripped) in starts, line
        pos += len(line) + 1


def test_sentences_inside_a_line_still_split() -> None:
    body = [s for s in _sentence_texts(TEXT) if "Critics" in s]
    assert body and not body[0].startswith("Senator")
