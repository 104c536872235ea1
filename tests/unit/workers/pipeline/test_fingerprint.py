"""The fingerprint stage: tokens, shingles, MinHash signatures and their LSH bands."""

import numpy as np
import pytest

from shared import keys as K
from workers.pipeline import fingerprint as F
from workers.pipeline.document import AnalysisDoc

pytestmark = pytest.mark.unit

TEXT = ("The council voted on Tuesday to extend the tram line by twelve kilometres, adding stops in three "
        "northern districts, and the mayor said work would begin next spring and last four years.")


def test_tokens_are_words_and_characters_where_there_are_no_spaces():
    assert F.tokens("Hello, World! ＡＢＣ 42") == ["hello", "world", "abc", "42"]
    assert F.tokens("北京是首都 in China") == ["北", "京", "是", "首", "都", "in", "china"]
    assert F.tokens("ภาษาไทย") == list("ภาษาไทย")


def test_signature_shape_and_estimate():
    sig = F.signature(TEXT)
    assert sig.shape == (F.NUM_PERM,) and len(F.to_hex(sig)) == F.NUM_PERM * F.HEX_PER_HASH
    assert (F.from_hex(F.to_hex(sig)) == sig).all()
    assert F.similarity(sig, F.signature(TEXT)) == 1.0
    assert F.similarity(sig, F.signature(TEXT.upper())) == 1.0  # case-folded
    near = F.similarity(sig, F.signature(TEXT.replace("twelve", "fourteen")))
    assert 0.7 <= near < 1.0  # one word changed: 3 of ~33 shingles
    assert F.similarity(sig, F.signature("A completely different sentence about rain and floods in a valley.")) < 0.2


def test_short_and_empty_texts_have_a_signature():
    assert F.signature("one").shape == (F.NUM_PERM,)
    assert F.signature("").shape == (F.NUM_PERM,)


def test_bands_cut_the_hex_signature_as_the_store_does():
    hexsig = F.to_hex(F.signature(TEXT))
    bands = F.band_values(hexsig)
    width = K.ND_ROWS * K.ND_HEX
    assert len(bands) == K.ND_BANDS and bands[3] == hexsig[3 * width:4 * width]


def test_stage_output():
    out = F.make_fingerprint_stage()(AnalysisDoc(id="x", article={}, text=TEXT))
    assert out.fingerprint.method == F.METHOD and out.fingerprint.signature == F.to_hex(F.signature(TEXT))


def test_a_long_text_is_hashed_in_blocks_with_the_same_signature():
    words = [f"w{i % 997}x{i % 13}" for i in range(3 * F.BLOCK + 123)]   # several blocks, a partial last one
    text = " ".join(words)
    h = F.shingle_hashes(text)
    assert len(h) > 3 * F.BLOCK
    with np.errstate(over="ignore"):   # the whole (hashes × shingles) matrix at once, as before blocks
        whole = (F._A[:, None] * h[None, :] + F._B[:, None]).min(axis=1) >> np.uint64(32)
    assert (F.signature(text) == whole.astype("uint32")).all()
