"""The document store: every read and write of articles, statuses, documents and indexes.

Shared by the API (submit, reads) and the worker (status transitions, ``save_document``). All
multi-key writes are Lua scripts (``lua/``), so indexes never disagree with the documents. No NLP here.

One module per concern; :class:`DocumentStore` is all of them over one Redis client:

- :mod:`.scripts`   the Lua scripts and their calling convention (one JSON argument; positional for submit)
- :mod:`.queue`     the queue's wire format (how a job is encoded)
- :mod:`.intake`    submit: dedupe + store + enqueue, atomically
- :mod:`.status`    status transitions (processing, retry, failed, requeue)
- :mod:`.documents` document save and delete, with the index plan
- :mod:`.reads`     reads by id, paging newest first, cursors
- :mod:`.search`    entity, alias and claim search
- :mod:`.identity`  revisions, urls (provenance), near-duplicates and clusters as read
- :mod:`.metrics`   queue depth, status counts, processing histogram, worker heartbeat
"""

from __future__ import annotations

from .base import now_iso
from .documents import DocumentsMixin, claim_summary, save_plan
from .identity import IdentityMixin
from .intake import IntakeMixin, QueueFull, SubmitResult
from .metrics import MetricsMixin
from .reads import InvalidCursor, ReadsMixin, decode_cursor, encode_cursor, to_score
from .scripts import ALL_SCRIPTS, Script
from .search import SearchMixin
from .status import StatusMixin


class DocumentStore(IntakeMixin, StatusMixin, DocumentsMixin, ReadsMixin, SearchMixin, MetricsMixin, IdentityMixin):
    """The store over ``redis`` (a ``redis.asyncio.Redis``) with ``settings`` (:class:`shared.config.Settings`)."""


__all__ = [
    "ALL_SCRIPTS", "DocumentStore", "InvalidCursor", "QueueFull", "Script", "SubmitResult", "claim_summary",
    "decode_cursor", "encode_cursor", "now_iso", "save_plan", "to_score",
]
