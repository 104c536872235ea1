"""Article identity: one deterministic id per article, and the keys used to deduplicate.

The id comes from the strongest identity the article carries, in this order: the client's
``external_id``, its normalised ``url``, its content. Intake and ``newsflow analyze`` both use
:func:`article_id`, so a document has the same id whichever way it was produced. The same
identity with new content is a new *revision* of the article; the same content under another
identity is a duplicate of the article that has it, and its url is kept as one more of that
article's urls (provenance). See README "Identity, revisions, provenance, near-duplicates".
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from typing import Any, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_SLASHES = re.compile(r"/{2,}")
_TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|dclid|mc_cid|mc_eid|igshid|ref|ref_src|cmpid|ocid)$", re.I)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@functools.lru_cache(maxsize=4096)  # intake validates the url and then keys it: one parse
def normalize_url(url: str) -> str:
    """Canonical form of a URL for deduplication (scheme/host case, default ports, fragments,
    tracking parameters, parameter order, trailing slash)."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = (parts.scheme or "http").lower()
    if scheme == "https":
        scheme = "http"  # the same article is served over both
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port  # parsed (and range-checked) once
    if port in (80, 443):
        port = None
    netloc = f"{host}:{port}" if port else host
    path = parts.path or "/"
    if "//" in path:
        path = _SLASHES.sub("/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    query = ""
    if parts.query:
        query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                                 if not _TRACKING_PARAMS.match(k)))
    return urlunsplit((scheme, netloc, path, query, ""))


# ASCII white space as str.split() sees it (\t \n \v \f \r and \x1c-\x1f) → a space, on UTF-8 bytes
# (every byte of a multi-byte sequence is >= 0x80, so no other character is touched)
_ASCII_WS = bytes.maketrans(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f", b" " * 9)
# the same, and A-Z → a-z (casefold on ASCII): ASCII text is folded by this one table
_ASCII_FOLD = bytes.maketrans(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1fABCDEFGHIJKLMNOPQRSTUVWXYZ",
                              b" " * 9 + b"abcdefghijklmnopqrstuvwxyz")
# the non-ASCII white space NFKC leaves as it is (NBSP, the U+2000 spaces, U+3000 … become " ")
_WIDE_WS = ("\x85", "\u1680", "\u2028", "\u2029")


def fold_content(text: str) -> bytes:
    """The content as :func:`content_sha256` hashes it: NFKC, white space runs folded to one space
    and stripped, case folded, UTF-8. The same bytes as ``" ".join(unicodedata.normalize("NFKC",
    text).split()).casefold().encode()`` (a unit test holds them equal), about twice as fast: NFKC
    only when the text is not already NFKC (``is_normalized`` is a quick check), and white space
    folded on the bytes (``translate`` + ``replace``) instead of splitting into words; ASCII text is
    lower-cased by the same ``translate``. (``casefold`` keeps white space and never makes any, so it
    may come first.)"""
    if text.isascii():  # NFKC leaves ASCII as it is; casefold is lower case; one table does both
        data = text.encode("ascii").translate(_ASCII_FOLD)
    else:
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        if any(ws in text for ws in _WIDE_WS):
            return " ".join(text.split()).casefold().encode("utf-8", "surrogatepass")
        data = text.casefold().encode("utf-8", "surrogatepass").translate(_ASCII_WS)
    while b"  " in data:
        data = data.replace(b"  ", b" ")
    return data.strip(b" ")


def content_sha256(text: str) -> str:
    """SHA-256 (hex) of the content with Unicode form, case and white space folded (:func:`fold_content`)."""
    return hashlib.sha256(fold_content(text)).hexdigest()


def content_fingerprint(text: str, sha256: str | None = None) -> str:
    """The content's dedupe digest: the first 16 hex digits of :func:`content_sha256` (``sha256``:
    that digest, when the caller has it already)."""
    return (sha256 or content_sha256(text))[:16]


def dedupe_keys(article: Mapping[str, Any], content_sha: str | None = None) -> dict[str, str]:
    """The identities an article carries: ``{"ext": …, "url": …, "content": …}`` (present ones only).
    ``content_sha``: the :func:`content_sha256` of its body when the caller has it already."""
    keys: dict[str, str] = {}
    if article.get("external_id"):
        keys["ext"] = _digest("ext:" + str(article["external_id"]))
    if article.get("url"):
        keys["url"] = _digest("url:" + normalize_url(str(article["url"])))
    body = article.get("text") or article.get("html") or ""
    if body:
        keys["content"] = content_fingerprint(body, content_sha)
    return keys


def article_id(article: Mapping[str, Any]) -> str:
    """The id of an article: from external_id, else url, else content."""
    keys = dedupe_keys(article)
    for kind in ("ext", "url", "content"):
        if kind in keys:
            return keys[kind]
    return _digest("empty")
