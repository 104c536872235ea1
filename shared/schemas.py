"""API data shapes (pydantic v2). These models generate the OpenAPI schema.

Intake validates with :func:`validate_article` (:class:`ArticleIn` underneath).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Literal, Optional, Union

from pydantic import (BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, create_model, field_validator,
                      model_validator)

from .ids import normalize_url
from .jsonscan import INT_MAX, INT_MIN, MAX_DEPTH, MAX_METADATA_DEPTH  # noqa: F401  (the limits, re-exported)
from .jsonscan import TOO_DEEP, ArticleScan, scan_article, value_problem, walk

MAX_URL = 4096
MAX_TITLE = 2000
MAX_SOURCE = 256
MAX_EXTERNAL_ID = 256
MAX_TEXT = 2 * 1024 * 1024  # characters; the byte limit on the body applies first
MAX_METADATA_KEYS = 100
# MAX_METADATA_DEPTH, MAX_DEPTH, INT_MIN, INT_MAX: in shared.jsonscan (the one walk that checks them)
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+[^\s]*$"
LANG_PATTERN = r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$"

Status = Literal["queued", "processing", "done", "failed"]


class ArticleIn(BaseModel):
    """One article as a scraper submits it. ``text`` or ``html`` is required."""

    model_config = ConfigDict(extra="forbid", title="ArticleIn")

    url: Optional[str] = Field(None, max_length=MAX_URL, pattern=URL_PATTERN, description="Canonical article URL (http/https)")
    title: Optional[str] = Field(None, max_length=MAX_TITLE)
    text: Optional[str] = Field(None, max_length=MAX_TEXT, description="Plain text body")
    html: Optional[str] = Field(None, max_length=MAX_TEXT, description="HTML page; main text is extracted")
    source: Optional[str] = Field(None, max_length=MAX_SOURCE, description="Publisher, e.g. 'BBC'")
    published_at: Optional[datetime] = Field(None, description="ISO 8601; naive times are taken as UTC")
    language: Optional[str] = Field(None, pattern=LANG_PATTERN, max_length=35, description="Language hint (BCP 47)")
    external_id: Optional[str] = Field(None, strict=True, description="The client's own id (the article's identity; "
                                                                      "a string: numbers are refused)")
    metadata: Optional[dict[str, Any]] = Field(None, description="Free-form object, stored and returned as is")
    callback_url: Optional[str] = Field(None, max_length=MAX_URL, pattern=URL_PATTERN,
                                        description="Receives the article.done / article.failed event (POST, signed)")

    @field_validator("url")
    @classmethod
    def _url_parses(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            try:
                normalize_url(v)  # the dedupe key must be computable (bad IPv6 hosts, ports, …)
            except ValueError as exc:
                raise ValueError(f"not a valid URL: {exc}") from None
        return v

    @field_validator("published_at")
    @classmethod
    def _utc(cls, v: Optional[datetime]) -> Optional[datetime]:
        return v.replace(tzinfo=timezone.utc) if v is not None and v.tzinfo is None else v

    @field_validator("external_id")
    @classmethod
    def _external_id(cls, v: Any) -> Any:
        if v is not None and (len(v) == 0 or len(v) > MAX_EXTERNAL_ID):
            raise ValueError(f"must be 1..{MAX_EXTERNAL_ID} characters")
        return v

    @field_validator("metadata")
    @classmethod
    def _metadata(cls, v: Any, info: ValidationInfo) -> Any:
        if v is not None and len(v) > MAX_METADATA_KEYS:
            raise ValueError(f"at most {MAX_METADATA_KEYS} keys")
        if v is not None:
            scan = info.context.get("scan") if isinstance(info.context, dict) else None
            # validate_article walked the article once already (shared.jsonscan); a bare model_validate walks here
            problem = scan.metadata_problem if scan is not None else value_problem(walk(v), MAX_METADATA_DEPTH)
            if problem:
                raise ValueError(problem)
        return v

    @model_validator(mode="after")
    def _body(self) -> "ArticleIn":
        # some character that is not white space (``not isspace()``: what ``strip()`` would leave, without a copy)
        if not ((self.text and not self.text.isspace()) or (self.html and not self.html.isspace())):
            raise ValueError("text or html is required")
        return self


class FieldError(BaseModel):
    loc: list[Union[str, int]]
    msg: str
    type: str


class ErrorBody(BaseModel):
    code: str = Field(..., description="machine-readable code, e.g. validation_error, not_found")
    message: str
    details: Any = None


class Error(BaseModel):
    """Every error response: ``{"error": {"code", "message", "details"}}``."""

    error: ErrorBody


class Links(BaseModel):
    status: str
    document: str


class Accepted(BaseModel):
    """202 for a new article or a new revision of a known one (same identity, new content), 200 with
    ``duplicate: true`` for known content."""

    id: str
    status: str
    duplicate: bool = False
    revision: int = Field(1, description="the article's revision: the new one when accepted, the latest when a duplicate")
    links: Links


class BatchItemResult(BaseModel):
    index: int
    result: Literal["accepted", "duplicate", "rejected"]
    id: Optional[str] = None
    status: Optional[str] = None
    revision: Optional[int] = None
    links: Optional[Links] = None
    error: Optional[ErrorBody] = None


class BatchResult(BaseModel):
    items: list[BatchItemResult]
    accepted: int
    duplicates: int
    rejected: int


PROCESSING_MS = ("the pipeline's own time for this document, in ms: the time of the pipeline call that analysed "
                 "it (the article handed to a pipeline process and the document back); in a micro-batch, the "
                 "batch call's time split among its documents in proportion to their stage times (timings_ms). "
                 "Waiting is not in it (wait_ms)")
WAIT_MS = ("ms from started_at (the job started) to the start of the pipeline call that analysed the document: "
           "waiting for a free pipeline process, for its micro-batch, or a failed batch redone alone. "
           "started_at + wait_ms + processing_ms <= finished_at (the rest is the save). Absent on documents "
           "saved before this field existed")
# started_at, finished_at, processing_ms and wait_ms are always of one run: a new run (a retry after a
# transient error or a lost worker, POST /retry, a new revision) drops the previous run's when it is
# queued or starts, and they come back when it ends (shared/store/status.py RUN_FIELDS)
RUN = ("Of the current run only: absent while a new run (a retry, a new revision) is queued or processing, "
       "never the previous run's figures")
PROCESSING_MS += ". " + RUN
WAIT_MS += ". " + RUN
ISO_UTC = "ISO 8601 in UTC with milliseconds, e.g. 2026-12-07T22:31:26.509Z"
STARTED_AT = ("when the current run's job started (status processing); absent while queued for a new revision "
              f"or POST /retry. {ISO_UTC}")
FINISHED_AT = "when the current run ended (done, or failed for good). " + RUN + f". {ISO_UTC}"
RECEIVED_AT = f"when the article was received: {ISO_UTC}"


class StatusOut(BaseModel):
    id: str
    status: Status
    attempts: int
    received_at: Optional[str] = Field(None, description=RECEIVED_AT)
    started_at: Optional[str] = Field(None, description=STARTED_AT)
    finished_at: Optional[str] = Field(None, description=FINISHED_AT)
    retry_at: Optional[str] = Field(None, description="when a deferred job runs again: ISO 8601 with an offset, "
                                                     "e.g. 2026-12-07T22:31:30.119402+00:00")
    processing_ms: Optional[float] = Field(None, description=PROCESSING_MS)
    wait_ms: Optional[float] = Field(None, description=WAIT_MS)
    error: Optional[dict[str, Any]] = None
    last_error: Optional[dict[str, Any]] = None


class Speaker(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: Optional[str] = None
    entity_id: Optional[str] = None
    text: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None
    resolution: Optional[str] = Field(None, description="explicit | alias | pronoun | description")
    entity_ids: Optional[list[str]] = Field(
        None, description="every entity of a coordinated speaker (\"Both Norway and Chile\"), in text order; "
                          "entity_id is the first; absent for a single speaker")


class Cue(BaseModel):
    """The words that introduce a claim ("said", "according to", ":") and what kind of cue they are."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    text: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None
    lemma: Optional[str] = None
    stance: Optional[str] = Field(None, description="finer label: assert | belief | report | deny | accuse | predict | "
                                                    "other; for a stance-class cue support | oppose | other")
    cue_class: Optional[str] = Field(
        None, alias="class",
        description="speech | belief | request | evaluative | denial | admission | stance | other. The first six "
                    "are attributions; other appears only with NEWSFLOW_CLAIM_DEFINITION=polnear (PolNeAR's broader "
                    "scheme: actions, intentions); stance (\"backed\", \"opposed\", \"is unhappy with\") is a position taken, "
                    "not a statement, and is not counted as speech")


class Claim(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: Optional[str] = None
    text: str
    spans: list[dict[str, Any]] = []
    kind: Optional[str] = Field(None, description="direct | indirect | mixed | unattributed")
    speaker: Optional[Speaker] = None
    cue: Optional[Cue] = None
    reported_by: list[dict[str, Any]] = []
    quantities: list[dict[str, Any]] = []
    entity_ids: list[str] = []
    checkworthiness: Optional[float] = None


class PageMetadata(BaseModel):
    """What an HTML page says about itself (``html`` articles only; fields the page lacks are absent).
    The client's own ``title``/``published_at``/``language`` always win; the page's fill in the
    document's top-level ``title``/``published_at`` and the language hint when the client sent none."""

    model_config = ConfigDict(title="PageMetadata")
    title: Optional[str] = Field(None, description="the page's headline (og:title, <h1>, <title>)")
    authors: Optional[list[str]] = Field(None, description="byline authors (meta author, JSON-LD, byline)")
    published_at: Optional[str] = Field(None, description="published time, time-zone-aware ISO 8601; a page time "
                                                           "without an offset, or a bare date, is taken as UTC")
    site_name: Optional[str] = Field(None, description="og:site_name or the host")
    canonical_url: Optional[str] = Field(None, description="<link rel=canonical> / og:url, absolute")
    description: Optional[str] = Field(None, description="meta / og description")
    tags: Optional[list[str]] = Field(None, description="categories and tags (article:section, article:tag, …)")
    image: Optional[str] = Field(None, description="main image URL (og:image)")
    html_lang: Optional[str] = Field(None, description="the page's <html lang> (or Content-Language); used as the "
                                                       "language hint when the client sent none")


class PageQuery(BaseModel):
    """Query parameters of a raw page posted as ``text/html`` or ``text/plain``."""

    model_config = ConfigDict(extra="forbid", title="PageQuery")
    url: Optional[str] = Field(None, description="the page's URL (http/https)")
    source: Optional[str] = Field(None, description="publisher, e.g. 'BBC'")
    title: Optional[str] = Field(None, description="title (else the page's own)")
    external_id: Optional[str] = Field(None, description="the client's own id (deduplication key)")
    published_at: Optional[str] = Field(None, description="ISO 8601 (else the page's own)")
    language: Optional[str] = Field(None, description="language hint, BCP 47 (else the page's <html lang>)")


class RevisionEntry(BaseModel):
    model_config = ConfigDict(extra="allow")
    revision: int
    received_at: str = Field(description=ISO_UTC)
    content_sha256: str = Field(..., description="SHA-256 of the received text/html (Unicode, case, spaces folded)")
    unchanged: Optional[bool] = Field(None, description="true: the main text did not change (the analysis of "
                                                        "revision same_as is kept)")
    same_as: Optional[int] = None


class UrlSeen(BaseModel):
    url: str
    first_seen: str = Field(description=ISO_UTC)


class NearDuplicate(BaseModel):
    id: str
    similarity: float = Field(..., description="estimated Jaccard similarity of the shingle sets (MinHash)")


class Cluster(BaseModel):
    """A near-duplicate cluster: ``GET /v1/clusters/{id}``."""

    id: str = Field(..., description="the cluster id: its earliest member's id (stable as members join)")
    size: int
    members: list[str] = Field(..., description="member ids, earliest first")


class Document(BaseModel):
    """A stored document. Before ``status == done`` it has the status fields and no analysis.

    The analysis fields come from the enabled pipeline stages' output models:
    :func:`compose_document` adds them (``workers.pipeline.registry.document_model``)."""

    model_config = ConfigDict(extra="allow")
    id: str
    status: Status
    attempts: int = 0
    received_at: Optional[str] = Field(None, description=RECEIVED_AT)
    started_at: Optional[str] = Field(None, description=STARTED_AT)
    finished_at: Optional[str] = Field(None, description=FINISHED_AT)
    processing_ms: Optional[float] = Field(None, description=PROCESSING_MS)
    wait_ms: Optional[float] = Field(None, description=WAIT_MS)
    error: Optional[dict[str, Any]] = None
    external_id: Optional[str] = None
    url: Optional[str] = None
    title: Optional[str] = None
    source: Optional[str] = None
    published_at: Optional[str] = None
    metadata: dict[str, Any] = {}
    language_hint: Optional[str] = None
    processed_at: Optional[str] = Field(None, description="when the pipeline finished: ISO 8601 with an offset")
    pipeline_version: Optional[str] = None
    text: Optional[str] = None
    timings_ms: Optional[dict[str, float]] = Field(None, description="milliseconds per stage")
    revision: int = Field(1, description="the revision this analysis is of (1, 2, …; ?revision=N reads a kept one)")
    pending_revision: Optional[int] = Field(None, description="a newer revision being processed (this document is "
                                                              "the previous one's analysis until it is done)")
    revisions: list[RevisionEntry] = Field([], description="the kept revisions, oldest first")
    urls: list[UrlSeen] = Field([], description="every URL the article (the same content) arrived at")
    near_duplicates: list[NearDuplicate] = Field([], description="documents whose estimated Jaccard similarity "
                                                                 "is at least NEWSFLOW_NEAR_DUP_THRESHOLD")
    cluster_id: Optional[str] = Field(None, description="the near-duplicate cluster (named by its earliest member)")


def compose_document(outputs: list[type[BaseModel]]) -> type[Document]:
    """``Document`` plus every field of the given stage output models (optional: absent before done)."""
    fields: dict[str, Any] = {}
    for model in outputs:
        for name, info in model.model_fields.items():
            fields[name] = (Optional[info.annotation], Field(None, description=info.description))
    return create_model("Document", __base__=Document, __doc__=Document.__doc__, **fields)


class DocumentSummary(BaseModel):
    """A list item (``GET /v1/articles``, an entity's articles). ``GET /v1/articles?url=…`` answers the
    same item with ``revision`` and ``cluster_id`` added."""
    model_config = ConfigDict(extra="allow")
    id: str
    status: Status
    received_at: Optional[str] = Field(None, description=RECEIVED_AT)
    attempts: int = 0
    title: Optional[str] = None
    url: Optional[str] = None
    source: Optional[str] = None
    external_id: Optional[str] = None
    published_at: Optional[str] = None
    language: Optional[str] = Field(None, description="the primary language, once processed")
    finished_at: Optional[str] = Field(None, description=f"when the last run ended: {ISO_UTC}")
    entity_count: Optional[int] = Field(None, description="once processed")
    claim_count: Optional[int] = Field(None, description="once processed")
    error: Optional[dict[str, Any]] = Field(None, description="a failed document's error: code, message, stage")
    revision: Optional[int] = Field(None, description="only in a ?url= lookup: the current revision")
    cluster_id: Optional[str] = Field(None, description="only in a ?url= lookup: its near-duplicate cluster, "
                                                        "if it has one")


class DocumentList(BaseModel):
    items: list[DocumentSummary]
    next_cursor: Optional[str] = None


class EntitySummary(BaseModel):
    id: str = Field(..., description="canonical key")
    name: Optional[str] = None
    label: Optional[str] = None
    document_count: int = Field(..., description="documents with the key or a short form linked to it, each once")
    linked: list[str] = Field([], description="short-form keys linked to this one across documents "
                                              "(e.g. person:thae for person:thae-yong-ho)")
    resolved_from: Optional[str] = Field(None, description="the short-form key asked for, when it was linked")


class EntityList(BaseModel):
    items: list[EntitySummary]


class ClaimSummary(BaseModel):
    model_config = ConfigDict(extra="allow")
    document_id: str
    id: Optional[str] = None
    text: Optional[str] = None
    kind: Optional[str] = None
    speaker: Optional[Speaker] = None
    entity_ids: list[str] = []
    checkworthiness: Optional[float] = None


class ClaimList(BaseModel):
    items: list[ClaimSummary]
    next_cursor: Optional[str] = None


# ------------------------------------------------------------------------------ validation

def validate_article(obj: Any, loc: tuple[Any, ...] = (), scan: ArticleScan | None = None
                     ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Validate one submitted article against :class:`ArticleIn`; returns (clean article, errors).

    The clean article is JSON-ready: null fields dropped, ``published_at`` as ISO 8601 with a time
    zone. ``loc`` prefixes the error paths (e.g. ``(3,)`` for the fourth item of a batch). ``scan``:
    ``shared.jsonscan.scan_article(obj)`` if the caller already has it (intake walks the body once).
    (Measured: pydantic-core validates a 4 KB article in ~3 µs, cheaper than a hand-written check.)
    """
    if scan is None:
        scan = scan_article(obj)
    # too deep: refused before pydantic recurses into it (and before any other error); the error names
    # the first field (in the object's order) that nests too deep
    if scan.too_deep is not None:
        return None, [{"loc": [*loc, *scan.too_deep], "type": "too_deep", "msg": TOO_DEEP}]
    try:
        model = ArticleIn.model_validate(obj, context={"scan": scan})
    except ValidationError as exc:
        return None, [
            {"loc": [*loc, *e["loc"]], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False, include_context=False, include_input=False)
        ]
    return model.model_dump(mode="json", exclude_none=True), []
