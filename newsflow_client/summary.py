"""A document in two lines, for people (``newsflow up`` prints one per seed article)."""

from __future__ import annotations

from typing import Any


def summary_line(doc: dict[str, Any]) -> str:
    lang = doc.get("language") or {}
    code = lang.get("code") if isinstance(lang, dict) else lang
    others = [x.get("code") for x in (lang.get("languages") or [])[1:]] if isinstance(lang, dict) else []
    ents: dict[str, int] = {}
    for e in doc.get("entities") or []:
        name = e.get("text") or e.get("name") or "?"
        ents[name] = ents.get(name, 0) + max(1, len(e.get("mentions") or []))
    top = ", ".join(f"{n} ({c})" for n, c in sorted(ents.items(), key=lambda kv: -kv[1])[:5]) or "-"
    title = (doc.get("title") or "")[:60]
    lang_text = code or "?"
    if others:
        lang_text += "+" + "+".join(o for o in others if o)
    return (f"  {doc.get('id')}  {title}\n      language {lang_text}  claims {len(doc.get('claims') or [])}"
            f"  entities {len(doc.get('entities') or [])}: {top}")
