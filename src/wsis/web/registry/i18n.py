"""Translatable strings of the registry pages.

``_(text, lang)`` looks ``text`` up in the catalogue of ``lang`` and falls back to English. The msgids
are the English strings, so the catalogue can move to gettext ``.po`` files under ``wsis/locale`` later.
"""

from __future__ import annotations

LANGS = ("ar", "en", "es", "fr", "ru", "zh")
RTL = {"ar"}

_CATALOGUES: dict[str, dict[str, str]] = {
    "fr": {
        "WSIS registry": "Registre du SMSI",
        "Search": "Rechercher",
        "Search initiatives": "Rechercher des initiatives",
        "Submit an initiative": "Soumettre une initiative",
        "Log in": "Se connecter",
        "Log out": "Se déconnecter",
        "E-mail": "Courriel",
        "Password": "Mot de passe",
        "Moderation queue": "File de modération",
        "Language of the text": "Langue du texte",
        "Title": "Titre",
        "Description": "Description",
        "Organisation": "Organisation",
        "Organisation name": "Nom de l'organisation",
        "Stakeholder group": "Groupe de parties prenantes",
        "Country of the organisation": "Pays de l'organisation",
        "Countries covered": "Pays concernés",
        "WSIS action lines": "Grandes orientations du SMSI",
        "SDG targets (comma-separated, e.g. 4.a, 9.c)": "Cibles des ODD (séparées par des virgules, p. ex. 4.a, 9.c)",
        "Global Digital Compact objectives": "Objectifs du Pacte numérique mondial",
        "Beneficiary groups": "Groupes bénéficiaires",
        "Status": "État",
        "Start date": "Date de début",
        "End date": "Date de fin",
        "Links (one per line)": "Liens (un par ligne)",
        "Contact name": "Nom du contact",
        "Contact e-mail": "Courriel du contact",
        "Submit": "Soumettre",
        "There is a problem": "Il y a un problème",
        "Thank you: your initiative was submitted and awaits moderation.":
            "Merci : votre initiative a été soumise et attend la modération.",
        "Possible duplicates": "Doublons possibles",
        "Approve": "Approuver",
        "Reject": "Rejeter",
        "Reason (required to reject)": "Motif (obligatoire pour rejeter)",
        "No entries.": "Aucune entrée.",
        "Accounts": "Comptes",
        "Progress reports": "Rapports d'avancement",
        "Publish the contact e-mail with the entry": "Publier le courriel du contact avec l'entrée",
        "Role": "Rôle",
        "Active": "Actif",
        "API tokens": "Jetons d'API",
        "Actions": "Actions",
        "Disable": "Désactiver",
        "Enable": "Activer",
        "Revoke tokens": "Révoquer les jetons",
        "Set role": "Changer le rôle",
        "yes": "oui",
        "no": "non",
        "results": "résultats",
        "Deliverables": "Livrables",
        "Road maps": "Feuilles de route",
        "Commitments": "Engagements",
        "Initiatives": "Initiatives",
        "planned": "prévue", "ongoing": "en cours", "completed": "terminée", "suspended": "suspendue",
        "government": "gouvernement", "private_sector": "secteur privé", "civil_society": "société civile",
        "international_organisation": "organisation internationale",
        "technical_community": "communauté technique", "academia": "milieu universitaire", "youth": "jeunesse",
        "women_girls": "femmes et filles", "persons_with_disabilities": "personnes handicapées",
        "older_persons": "personnes âgées", "indigenous_peoples": "peuples autochtones",
        "rural_communities": "communautés rurales", "ldc": "PMA", "lldc": "PDSL", "sids": "PEID",
        "Required": "Obligatoire",
        "Filters": "Filtres",
        "Apply": "Appliquer",
        "You must log in to submit.": "Vous devez vous connecter pour soumettre.",
    },
}


def _(text: str, lang: str = "en") -> str:
    """``text`` translated into ``lang`` (English when no translation exists)."""
    return _CATALOGUES.get(lang, {}).get(text, text)


def pick_lang(requested: str | None, accept_language: str | None) -> str:
    """The page language: an explicit ``lang`` if supported, else the first supported Accept-Language."""
    if requested in LANGS:
        return requested
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return "en"
