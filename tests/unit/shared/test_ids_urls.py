"""The url dedupe key: ``normalize_url`` gives what its plain definition gives (the url keys of
stored articles must not change when the function is made faster)."""

from __future__ import annotations

import random
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from shared.ids import _TRACKING_PARAMS, dedupe_keys, normalize_url

pytestmark = pytest.mark.unit


def reference(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    scheme = (parts.scheme or "http").lower()
    if scheme == "https":
        scheme = "http"
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k))
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


CASES = ["https://www.Example.com/a//b/?utm_source=x&b=2&a=1#frag", "http://example.com:80", "https://x.org:443/",
         "http://x.org:8080//", "example.com/path", "  https://x.org/a?  ", "https://x.org/?a=&b", "https://[::1]:81/p",
         "http://user:pw@Host.EXAMPLE.:0/p?q=1&q=0", "https://x.org/%7Euser/?fbclid=1&REF=2", "ftp://x.org///",
         "https://x.org/a?b=%20c+d", "https://x.org/;p?x=1;y=2", "", "/", "//host/p", "https://x.org/?", "HTTPS://X.ORG"]


@pytest.mark.parametrize("url", CASES)
def test_normalize_url_matches_the_definition(url):
    normalize_url.cache_clear()
    assert normalize_url(url) == reference(url)


@pytest.mark.parametrize("url", ["http://x.org:99999/", "http://[::1/", "http://x.org:abc/"])
def test_bad_urls_raise_as_the_definition_does(url):
    normalize_url.cache_clear()
    with pytest.raises(ValueError):
        reference(url)
    with pytest.raises(ValueError):
        normalize_url(url)


def test_normalize_url_matches_the_definition_on_random_urls():
    rng = random.Random(16)
    pieces = ["/", "//", "a", "B", "?", "&", "=", "utm_x", "ref", "#", ":", "%2F", ".", " ", "www.", "8080", "+"]
    for _ in range(3000):
        url = rng.choice(["http://", "https://", "HTTP://www.", ""]) + "Host.example" + "".join(
            rng.choice(pieces) for _ in range(rng.randrange(0, 12)))
        normalize_url.cache_clear()
        try:
            expected = reference(url)
        except ValueError:
            with pytest.raises(ValueError):
                normalize_url(url)
            continue
        assert normalize_url(url) == expected, url


def test_url_key_uses_it():
    a = dedupe_keys({"url": "https://www.x.org/a/?utm_medium=m"})["url"]
    assert a == dedupe_keys({"url": "http://x.org/a"})["url"] != dedupe_keys({"url": "http://x.org/b"})["url"]
