"""An entry's texts in several languages (IGF entries, commitments): which one a page shows, how a body's
single text and its ``texts`` list come together, and how the texts are stored.

An entry has one text per language and an own language (``original_lang``) whose text is also copied into the
entry's own columns (``name``, ``title``, ...), which sorting, reports and totals read.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def best(texts: list[dict[str, str]], lang: str | None, original: str) -> dict[str, str]:
    """The text in ``lang`` if there is one, else the one in ``original``, else the first."""
    return next((t for t in texts if t["lang"] == lang), None) or \
        next((t for t in texts if t["lang"] == original), None) or (texts[0] if texts else {})


def shown_texts(row: Any, fields: tuple[str, ...], lang: str | None) -> dict[str, Any]:
    """The shown text's ``fields`` (in ``lang`` when the row has it), its ``lang``, the row's
    ``original_lang`` and every text (sorted by language)."""
    texts = [{"lang": t.lang, **{f: getattr(t, f) for f in fields}} for t in sorted(row.texts, key=lambda t: t.lang)]
    if not texts:  # a row written before its texts (never public), or restored from before they existed
        texts = [{"lang": row.original_lang, **{f: getattr(row, f, "") or "" for f in fields}}]
    shown = best(texts, lang, row.original_lang)
    return {**{f: shown[f] for f in fields}, "lang": shown["lang"], "original_lang": row.original_lang,
            "texts": texts}


def merge_texts(entry: Any, fields: tuple[str, ...], model: type) -> Any:
    """Put a body's single text (``fields`` in ``entry.lang``) first among ``entry.texts``; one text per
    language. ``fields[0]`` is the text's required label (name, title). The first text's fields are copied
    back onto ``entry``, whose ``lang`` becomes the language of the entry."""
    label = fields[0]
    single = getattr(entry, label)
    texts = list(entry.texts)
    if single is not None:
        if any(t.lang == entry.lang for t in texts):
            raise ValueError(f"one {label} per language: {entry.lang} is given twice")
        texts.insert(0, model(lang=entry.lang, **{f: getattr(entry, f) for f in fields}))
    if not texts:
        raise ValueError(f"a {label} is required (field {label}, or texts)")
    if len({t.lang for t in texts}) != len(texts):
        raise ValueError(f"one {label} per language")
    entry.texts = texts
    entry.lang = texts[0].lang
    for f in fields:
        setattr(entry, f, getattr(texts[0], f))
    return entry


def set_texts(s: Session, row: Any, texts: list[dict[str, str]], model: type, copied: tuple[str, ...],
              original: str | None = None) -> None:
    """Replace the row's texts. Its own language becomes ``original`` (default: the first text's) and that
    text's ``copied`` fields go into the row's own columns."""
    row.texts.clear()
    s.flush()
    row.texts.extend(model(**t) for t in texts)
    row.original_lang = original or texts[0]["lang"]
    own = best(texts, row.original_lang, row.original_lang)
    for f in copied:
        setattr(row, f, own[f])
