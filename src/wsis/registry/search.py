"""Full-text search in the six UN languages: SQLite FTS5 or PostgreSQL tsvector over ``search_docs``.

One index serves initiatives and IGF entries (forums, outputs): each row of ``search_docs`` names its entry in
one of the columns of ``ENTITY_COLUMNS``.

Text is normalised the same way on both backends before it is indexed or queried: case-folded,
diacritics (and Arabic short vowels) removed, and runs of Chinese/Japanese/Korean characters split into
overlapping character pairs, since those scripts do not separate words with spaces.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from wsis.registry.models import Initiative, SearchDoc

ENTITY_COLUMNS = {"initiative": "initiative_id", "igf_forum": "igf_forum_id", "igf_output": "igf_output_id"}

_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


def _cjk_pairs(run: str) -> list[str]:
    return [run] if len(run) < 2 else [run[i:i + 2] for i in range(len(run) - 1)]


def tokens(value: str) -> list[str]:
    """Normalised search tokens of ``value``."""
    folded = unicodedata.normalize("NFKD", value.casefold())
    stripped = unicodedata.normalize("NFKC", "".join(c for c in folded if not unicodedata.combining(c)))
    out: list[str] = []
    for word in _WORD.findall(stripped):
        pos = 0
        for m in _CJK.finditer(word):
            if m.start() > pos:
                out.append(word[pos:m.start()])
            out.extend(_cjk_pairs(m.group()))
            pos = m.end()
        if pos < len(word):
            out.append(word[pos:])
    return [t for t in out if t]


def normalise(value: str) -> str:
    """The normalised text that goes into the index."""
    return " ".join(tokens(value))


def _plain(html: str) -> str:
    return re.sub(r"<[^>]*>", " ", html)


def index_initiative(session: Session, ini: Initiative) -> None:
    """Re-index one initiative: public (approved, not deleted) ones are searchable, others are removed."""
    session.execute(delete(SearchDoc).where(SearchDoc.initiative_id == ini.id))
    if ini.moderation != "approved" or ini.deleted_at is not None:
        return
    org = ini.organisation.name if ini.organisation else ""
    for t in ini.texts:
        session.add(SearchDoc(initiative_id=ini.id, lang=t.lang,
                              body=normalise(f"{t.title} {_plain(t.description)} {org}")))


def index_entry(session: Session, entity: str, ident: int, public: bool, texts: list[tuple[str, str]]) -> None:
    """Re-index one entry of kind ``entity`` (a key of ``ENTITY_COLUMNS``) from its ``(lang, text)`` pairs;
    an entry that is not ``public`` is only removed from the index."""
    column = getattr(SearchDoc, ENTITY_COLUMNS[entity])
    session.execute(delete(SearchDoc).where(column == ident))
    if public:
        for lang, value in texts:
            session.add(SearchDoc(**{ENTITY_COLUMNS[entity]: ident}, lang=lang, body=normalise(_plain(value))))


def match_ids(session: Session, query: str, lang: str | None = None, limit: int = 5000,
              any_word: bool = False, entity: str = "initiative") -> dict[int, float]:
    """Ids of entries of kind ``entity`` (initiatives unless told) matching every word of ``query`` (as word
    prefixes), with a relevance score.

    With ``any_word`` one matching word is enough (used to find duplicate candidates).
    """
    toks = tokens(query)[:20]
    if not toks:
        return {}
    col = ENTITY_COLUMNS[entity]  # a fixed column name, never user input
    params: dict[str, object] = {"limit": limit}
    lang_sql = f" AND d.{col} IS NOT NULL"
    if lang:
        lang_sql += " AND d.lang = :lang"
        params["lang"] = lang
    if session.get_bind().dialect.name == "sqlite":
        joiner = " OR " if any_word else " "
        params["q"] = joiner.join(f'"{t}"*' for t in toks)
        sql = (f"SELECT d.{col}, search_fts.rank FROM search_fts JOIN search_docs d "
               "ON d.id = search_fts.rowid WHERE search_fts MATCH :q" + lang_sql +
               " ORDER BY search_fts.rank LIMIT :limit")
        out: dict[int, float] = {}
        for i, r in session.execute(text(sql), params):  # best rank first; keep one per initiative
            out.setdefault(int(i), -float(r))
        return out
    params["q"] = (" | " if any_word else " & ").join(f"{t}:*" for t in toks)
    sql = (f"SELECT d.{col}, max(ts_rank(d.tsv, to_tsquery('simple', :q))) AS r FROM search_docs d "
           "WHERE d.tsv @@ to_tsquery('simple', :q)" + lang_sql +
           f" GROUP BY d.{col} ORDER BY r DESC LIMIT :limit")
    return {int(i): float(r) for i, r in session.execute(text(sql), params)}
