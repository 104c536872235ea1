"""Near-duplicate fingerprint stage: a MinHash signature over shingles of the normalised text.

* **Tokens.** The text is NFKC-normalised and case-folded; words are runs of letters and digits.
  Scripts written without spaces (CJK ideographs, kana, Thai, Lao, Khmer, Myanmar …) become one
  token per character, so Chinese or Japanese text is shingled by characters and mixed text works.
* **Shingles.** ``SHINGLE`` consecutive tokens (word 3-grams; character 3-grams where there are no
  spaces). A text shorter than that is one shingle.
* **MinHash.** Each token is hashed once (CRC-32); a shingle's 64-bit hash combines its tokens'
  hashes; ``NUM_PERM`` hash functions ``(a·x + b) mod 2⁶⁴ >> 32`` (multiply-shift, numpy) give the
  signature, ``NUM_PERM`` 32-bit minima. The fraction of equal positions estimates the Jaccard
  similarity of the two shingle sets (standard error ≈ √(J(1−J)/128) ≈ 0.035 at J = 0.8).
* **LSH bands.** The first ``BANDS × ROWS`` positions form ``BANDS`` bands of ``ROWS``; two documents
  are compared only if one band is equal (P = 1 − (1 − J⁴)²⁰: 0.99997 at J = 0.8, 0.996 at 0.7),
  so a lookup reads ``BANDS`` sets, not the corpus. The store (``lua/save_document.lua``) keeps
  the bands and does the lookup atomically with the save; this stage never talks to Redis.

The choice (own MinHash, k = 3, 128 hashes, 20 × 4 bands) and its measurements are in
``bench/near_duplicates.py`` and the README.
"""

from __future__ import annotations

import re
import unicodedata
import zlib

import numpy as np
from pydantic import BaseModel, Field

from shared import keys as K

from .document import AnalysisDoc
from .records import Record
from .registry import stage

METHOD = "minhash-128-s3"
NUM_PERM = 128
SHINGLE = 3
BLOCK = 4096  # shingles hashed at once (4 MB of uint64 per block)
BANDS, ROWS, HEX_PER_HASH = K.ND_BANDS, K.ND_ROWS, K.ND_HEX  # the store's LSH layout

_rng = np.random.RandomState(20261202)  # fixed: signatures must agree across processes and releases
_A = (_rng.randint(1, 2 ** 62, NUM_PERM, dtype=np.int64).astype(np.uint64) << np.uint64(1)) | np.uint64(1)
_B = _rng.randint(0, 2 ** 62, NUM_PERM, dtype=np.int64).astype(np.uint64)
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))

# one token per character in scripts written without spaces between words
_NO_SPACE = (r"\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf"
             r"\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002fa1f")
_TOKEN = re.compile(rf"[{_NO_SPACE}]|[^\W{_NO_SPACE}]+")
_WORD = re.compile(r"\w+")
_HAS_NO_SPACE = re.compile(rf"[{_NO_SPACE}]")


def tokens(text: str) -> list[str]:
    """Word tokens (case-folded; NFKC for non-ASCII ones), and single characters in scripts without spaces."""
    out: list[str] = []
    for w in _WORD.findall(text.casefold()):
        if w.isascii():
            out.append(w)
            continue
        w = unicodedata.normalize("NFKC", w)
        if _HAS_NO_SPACE.search(w):
            out.extend(_TOKEN.findall(w))
        else:
            out.append(w)
    return out


def _encode(token: str) -> bytes:
    return token.encode("utf-8", "surrogatepass")


def shingle_hashes(text: str) -> np.ndarray:
    """64-bit hashes of the text's ``SHINGLE``-token shingles (uint64; repeats kept)."""
    toks = tokens(text)
    if not toks:
        return np.zeros(1, dtype=np.uint64)
    th = np.fromiter(map(zlib.crc32, map(_encode, toks)), dtype=np.uint64, count=len(toks))
    k = min(SHINGLE, len(th))
    n = len(th) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = (h ^ th[j:j + n]) * _MIX[j % len(_MIX)]
    return h  # duplicates do not change a minimum: no np.unique


def signature(text: str) -> np.ndarray:
    """The MinHash signature of ``text``: ``NUM_PERM`` uint32 minima."""
    h = shingle_hashes(text)
    best = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    m = np.empty((NUM_PERM, min(len(h), BLOCK)), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(0, len(h), BLOCK):  # in blocks: NUM_PERM × BLOCK at a time, not × every shingle
            part = h[None, i:i + BLOCK]
            out = m[:, :part.shape[1]]
            np.multiply(_A[:, None], part, out=out)
            out += _B[:, None]
            np.minimum(best, out.min(axis=1), out=best)
    return (best >> np.uint64(32)).astype(np.uint32)  # min then shift = shift then min


def to_hex(sig: np.ndarray) -> str:
    return sig.astype(">u4").tobytes().hex()


def from_hex(value: str) -> np.ndarray:
    return np.frombuffer(bytes.fromhex(value), dtype=">u4").astype(np.uint32)


def similarity(a: str | np.ndarray, b: str | np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (hex or arrays)."""
    sa = from_hex(a) if isinstance(a, str) else a
    sb = from_hex(b) if isinstance(b, str) else b
    return float(np.mean(sa == sb))


def band_values(sig_hex: str) -> list[str]:
    """The LSH band values of a hex signature (as the store's Lua script cuts them)."""
    w = ROWS * HEX_PER_HASH
    return [sig_hex[i * w:(i + 1) * w] for i in range(BANDS)]


class Fingerprint(Record):
    method: str = Field(..., description=f"how it was made ({METHOD}: MinHash, {NUM_PERM} hashes, "
                                         f"{SHINGLE}-token shingles; characters where a script has no spaces)")
    signature: str = Field(..., description=f"{NUM_PERM} 32-bit minima, hex (8 digits each)")


class FingerprintOutput(BaseModel):
    fingerprint: Fingerprint = Field(..., description="near-duplicate fingerprint of the main text (MinHash); "
                                                      "near_duplicates and cluster_id come from it")


class FingerprintStage:
    name = "fingerprint"

    def __call__(self, doc: AnalysisDoc) -> FingerprintOutput:
        return FingerprintOutput(fingerprint=Fingerprint(method=METHOD, signature=to_hex(signature(doc.text))))


@stage("fingerprint", requires=["text"], assigns=["fingerprint"], output=FingerprintOutput)
def make_fingerprint_stage() -> FingerprintStage:
    return FingerprintStage()
