"""The gettext catalogues of the six UN languages (``<lang>/LC_MESSAGES/wsis.po``) and their loader.

The ``.po`` files are the source of truth. They are compiled to ``.mo`` in memory with Babel when first
needed (no build step; ``pybabel compile -d src/wsis/locale -D wsis`` also works and is picked up first).
The dashboard, the build (names of derived indicators) and the report all translate through ``gettext_for``.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from wsis.schema import LANGS

DOMAIN = "wsis"


@lru_cache(maxsize=8)
def translations(lang: str) -> gettext.NullTranslations:
    """The gettext catalogue of a language (a null catalogue for English or a missing file)."""
    if lang not in LANGS or lang == "en":
        return gettext.NullTranslations()
    base = resources.files("wsis") / "locale" / lang / "LC_MESSAGES"
    mo, po = base / f"{DOMAIN}.mo", base / f"{DOMAIN}.po"
    if mo.is_file():
        return gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
    if not po.is_file():
        return gettext.NullTranslations()
    catalog = read_po(io.BytesIO(po.read_bytes()), locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def gettext_for(lang: str):
    """A ``_()`` function for one language."""
    return translations(lang).gettext
