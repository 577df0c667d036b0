"""Languages of the registry pages: the same picker and gettext catalogues as the dashboard.

``_(text, lang)`` looks ``text`` up in the ``wsis`` gettext catalogue of ``lang`` (``wsis/locale``) and falls
back to English; the msgids are the English strings.
"""

from __future__ import annotations

from wsis.locale import gettext_for
from wsis.schema import LANGS, RTL  # noqa: F401 - re-exported for the page templates
from wsis.web.i18n import pick_lang  # noqa: F401 - the one language picker


def _(text: str, lang: str = "en") -> str:
    """``text`` translated into ``lang`` (English when no translation exists)."""
    return gettext_for(lang)(text)
