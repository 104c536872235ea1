"""nlp.prepare's batches: at most BATCH_SIZE texts and BATCH_CHARS characters each (a long
document's chunks are not parsed all at once), every job once, in order. No model is loaded."""

import pytest

from workers.pipeline import nlp

pytestmark = pytest.mark.unit


def _jobs(lengths):
    return [(None, i, "x" * n) for i, n in enumerate(lengths)]


def test_batches_are_bounded_by_texts_and_characters():
    jobs = _jobs([nlp.MAX_CHUNK_CHARS] * 100)
    batches = list(nlp._batches(jobs, nlp.BATCH_SIZE))
    assert [j for b in batches for j in b] == jobs
    assert all(sum(len(t) for _, _, t in b) <= nlp.BATCH_CHARS for b in batches)
    assert len(batches) == -(-100 // (nlp.BATCH_CHARS // nlp.MAX_CHUNK_CHARS))


def test_many_short_texts_fill_a_batch_up_to_its_size_and_an_oversized_text_goes_alone():
    batches = list(nlp._batches(_jobs([10] * 130), 64))
    assert [len(b) for b in batches] == [64, 64, 2]
    batches = list(nlp._batches(_jobs([5, nlp.BATCH_CHARS + 1, 5]), 64))
    assert [[j[1] for j in b] for b in batches] == [[0], [1], [2]]
