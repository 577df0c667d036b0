"""Areas (UN M49 countries and groups), their names in the six UN languages, and group membership.

Sources (all under the data dir, never copied into the repo):
- ``framework/countries.csv``: M49 hierarchy, LDC/LLDC/SIDS flags (late 2025), UN status, ITU region;
- ``classifications/unsd_m49/UNSD_M49_{lang}.csv``: names in ar, en, es, fr, ru, zh (Sep 2024);
- ``classifications/worldbank/OGHIST_2025_10_07_long.csv``: income group per economy per fiscal year;
- ``classifications/worldbank/CLASS_FY25_groups.csv``: World Bank regions and other aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import pandas as pd

from wsis.errors import WsisError
from wsis.schema import LANGS

_M49_FILE_LANG = {"ar": "ar", "en": "en", "es": "es", "fr": "fr", "ru": "ru", "zh": "cn"}

# ITU-D regions: stable codes for the six regions named in countries.csv.
ITU_REGION_CODES = {
    "Africa": "ITU_AFR",
    "Americas": "ITU_AMS",
    "Arab States": "ITU_ARB",
    "Asia-Pacific": "ITU_ASP",
    "CIS": "ITU_CIS",
    "Europe": "ITU_EUR",
}
# World Bank income groups: OGHIST letters -> WB aggregate codes (the WDI file uses these codes).
INCOME_CODES = {"L": "LIC", "LM": "LMC", "UM": "UMC", "H": "HIC"}
INCOME_NAMES = {"LIC": "Low income", "LMC": "Lower middle income", "UMC": "Upper middle income",
                "HIC": "High income"}
# World Bank geographic regions (all income levels), kept under their own codes.
WB_REGIONS = ("EAS", "ECS", "LCN", "MEA", "NAC", "SAS", "SSF")
UN_GROUPS = {"LDC": "Least developed countries", "LLDC": "Landlocked developing countries",
             "SIDS": "Small island developing States"}
# Economies that official ICT sources report but UN M49 does not list (facts from the WB/ITU code lists).
EXTRA_ECONOMIES = {"XKX": "Kosovo", "CHI": "Channel Islands", "TWN": "Taiwan, China",
                   "ANT": "Netherlands Antilles (former)", "ASC": "Ascension"}
EXTRA_M49 = {"TWN": "158"}  # the SDG database reports Taiwan under M49 158
# Names of the groups the M49 files do not carry, in the other five UN languages (UN and World Bank
# terminology as used in their publications in each language).
GROUP_NAMES = {
    "LDC": {"fr": "Pays les moins avancés", "es": "Países menos adelantados", "ar": "أقل البلدان نموا",
            "ru": "Наименее развитые страны", "zh": "最不发达国家"},
    "LLDC": {"fr": "Pays en développement sans littoral", "es": "Países en desarrollo sin litoral",
             "ar": "البلدان النامية غير الساحلية", "ru": "Развивающиеся страны, не имеющие выхода к морю",
             "zh": "内陆发展中国家"},
    "SIDS": {"fr": "Petits États insulaires en développement", "es": "Pequeños Estados insulares en desarrollo",
             "ar": "الدول الجزرية الصغيرة النامية", "ru": "Малые островные развивающиеся государства",
             "zh": "小岛屿发展中国家"},
    "HIC": {"fr": "Revenu élevé", "es": "Ingreso alto", "ar": "البلدان المرتفعة الدخل",
            "ru": "Страны с высоким уровнем дохода", "zh": "高收入国家"},
    "UMC": {"fr": "Revenu intermédiaire, tranche supérieure", "es": "Ingreso mediano alto",
            "ar": "البلدان ذات الدخل المتوسط الأعلى", "ru": "Страны с уровнем дохода выше среднего",
            "zh": "中高收入国家"},
    "LMC": {"fr": "Revenu intermédiaire, tranche inférieure", "es": "Ingreso mediano bajo",
            "ar": "البلدان ذات الدخل المتوسط الأدنى", "ru": "Страны с уровнем дохода ниже среднего",
            "zh": "中低收入国家"},
    "LIC": {"fr": "Faible revenu", "es": "Ingreso bajo", "ar": "البلدان المنخفضة الدخل",
            "ru": "Страны с низким уровнем дохода", "zh": "低收入国家"},
    "ITU_AFR": {"fr": "UIT – Afrique", "es": "UIT – África", "ar": "الاتحاد الدولي للاتصالات – أفريقيا",
                "ru": "МСЭ – Африка", "zh": "国际电联 – 非洲"},
    "ITU_AMS": {"fr": "UIT – Amériques", "es": "UIT – Américas", "ar": "الاتحاد الدولي للاتصالات – الأمريكتان",
                "ru": "МСЭ – Америка", "zh": "国际电联 – 美洲"},
    "ITU_ARB": {"fr": "UIT – États arabes", "es": "UIT – Estados Árabes",
                "ar": "الاتحاد الدولي للاتصالات – الدول العربية", "ru": "МСЭ – Арабские государства",
                "zh": "国际电联 – 阿拉伯国家"},
    "ITU_ASP": {"fr": "UIT – Asie-Pacifique", "es": "UIT – Asia-Pacífico",
                "ar": "الاتحاد الدولي للاتصالات – آسيا والمحيط الهادئ", "ru": "МСЭ – Азиатско-Тихоокеанский регион",
                "zh": "国际电联 – 亚太"},
    "ITU_CIS": {"fr": "UIT – CEI", "es": "UIT – CEI", "ar": "الاتحاد الدولي للاتصالات – كومنولث الدول المستقلة",
                "ru": "МСЭ – СНГ", "zh": "国际电联 – 独联体"},
    "ITU_EUR": {"fr": "UIT – Europe", "es": "UIT – Europa", "ar": "الاتحاد الدولي للاتصالات – أوروبا",
                "ru": "МСЭ – Европа", "zh": "国际电联 – 欧洲"},
}


def _wb_group_names() -> dict[str, dict[str, str]]:
    """World Bank regions and aggregates in the other five languages (package data wb_group_names.yaml)."""
    from importlib import resources

    import yaml

    return yaml.safe_load((resources.files("wsis.reference") / "wb_group_names.yaml").read_text(encoding="utf-8"))


# Non-standard codes used by providers for economies we know under another code.
CODE_ALIASES = {"KSO": "XKX", "KOS": "XKX", "AAA": "GGY", "GBJ": "JEY"}


@dataclass(frozen=True)
class AreaReference:
    """All known areas, their names and group memberships, with the editions they came from."""

    areas: pd.DataFrame          # code, kind (country|group), group_type, m49, iso2, name, ldc, lldc, sids, ...
    names: pd.DataFrame          # code, lang, name
    members: pd.DataFrame        # group, iso3
    income_history: pd.DataFrame  # iso3, fiscal_year (int, FY), gni_year, group (HIC/UMC/LMC/LIC)
    editions: dict[str, str] = field(default_factory=dict)

    @cached_property
    def codes(self) -> frozenset[str]:
        """Every known area code (countries and groups)."""
        return frozenset(self.areas["code"])

    @property
    def countries(self) -> pd.DataFrame:
        """Country rows only."""
        return self.areas[self.areas["kind"] == "country"]

    def m49_to_code(self) -> dict[str, str]:
        """Zero-padded M49 numeric code -> our area code (ISO3 for countries, M49_xxx for regions)."""
        sub = self.areas.dropna(subset=["m49"])
        return dict(zip(sub["m49"], sub["code"], strict=True))

    def group_members(self, group: str) -> list[str]:
        """ISO3 codes of the members of a group (current classification)."""
        return sorted(self.members.loc[self.members["group"] == group, "iso3"])

    def name(self, code: str, lang: str = "en") -> str:
        """Display name of an area in a language (falls back to English, then the code)."""
        sel = self.names[(self.names["code"] == code) & (self.names["lang"].isin([lang, "en"]))]
        if sel.empty:
            return code
        pref = sel[sel["lang"] == lang]
        return str((pref if not pref.empty else sel).iloc[0]["name"])


def _read_csv(path: Path, **kw) -> pd.DataFrame:
    if not path.exists():
        raise WsisError("reference-missing", "reference file not found", file=str(path),
                        hint="set WSIS_DATA_DIR to the data mirror (../shared/data)")
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", **kw)


def _bool(s: pd.Series) -> pd.Series:
    return s.str.lower().eq("true")


@lru_cache(maxsize=4)
def load_areas(data_dir: Path) -> AreaReference:
    """Load the area reference from a data dir (cached per folder)."""
    data_dir = Path(data_dir)
    c = _read_csv(data_dir / "framework" / "countries.csv")
    for col in ("ldc", "lldc", "sids", "itu_member"):
        c[col] = _bool(c[col])
    rows: list[dict] = []
    for r in c.itertuples(index=False):
        rows.append({"code": r.iso3, "kind": "country", "group_type": None, "m49": r.m49, "iso2": r.iso2,
                     "name": r.name, "ldc": r.ldc, "lldc": r.lldc, "sids": r.sids, "un_status": r.un_status,
                     "region": f"M49_{r.region_code}" if r.region_code else None,
                     "subregion": f"M49_{r.subregion_code}" if r.subregion_code else None,
                     "intermediate_region": f"M49_{r.intermediate_region_code}" if r.intermediate_region_code else None,
                     "itu_region": ITU_REGION_CODES.get(r.itu_region)})
    for iso3, nm in EXTRA_ECONOMIES.items():
        if iso3 not in set(c["iso3"]):
            rows.append({"code": iso3, "kind": "country", "group_type": None, "m49": EXTRA_M49.get(iso3), "iso2": None,
                         "name": nm, "ldc": False, "lldc": False, "sids": False, "un_status": "non_m49_economy",
                         "region": None, "subregion": None, "intermediate_region": None, "itu_region": None})
    members: list[tuple[str, str]] = [("WLD", r["code"]) for r in rows]
    groups: list[dict] = [{"code": "WLD", "kind": "group", "group_type": "world", "m49": "001", "name": "World"}]
    for g, nm in UN_GROUPS.items():
        groups.append({"code": g, "kind": "group", "group_type": "un_group", "name": nm})
        members += [(g, iso) for iso in c.loc[c[g.lower()], "iso3"]]
    # M49 regions, sub-regions and intermediate regions.
    for level, code_col, name_col in (("m49_region", "region_code", "region"),
                                      ("m49_subregion", "subregion_code", "subregion"),
                                      ("m49_intermediate", "intermediate_region_code", "intermediate_region")):
        sub = c[c[code_col] != ""]
        for code, grp in sub.groupby(code_col):
            groups.append({"code": f"M49_{code}", "kind": "group", "group_type": level, "m49": code,
                           "name": grp[name_col].iloc[0]})
            members += [(f"M49_{code}", iso) for iso in grp["iso3"]]
    for region, code in ITU_REGION_CODES.items():
        groups.append({"code": code, "kind": "group", "group_type": "itu_region", "name": f"ITU {region}"})
        members += [(code, iso) for iso in c.loc[c["itu_region"] == region, "iso3"]]

    # Income groups: OGHIST history; the current classification is the latest fiscal year.
    og = _read_csv(data_dir / "classifications" / "worldbank" / "OGHIST_2025_10_07_long.csv")
    og = og[og["income_group"].isin(INCOME_CODES)]
    hist = pd.DataFrame({"iso3": og["iso3"], "fiscal_year": og["fiscal_year"].str[2:].astype(int) + 2000,
                         "gni_year": og["gni_data_year"].astype(int), "group": og["income_group"].map(INCOME_CODES)})
    hist.loc[hist["fiscal_year"] > 2080, "fiscal_year"] -= 100  # FY89..FY99 are 1989..1999
    latest_fy = int(hist["fiscal_year"].max())
    cur = hist[hist["fiscal_year"] == latest_fy]
    for code, nm in INCOME_NAMES.items():
        groups.append({"code": code, "kind": "group", "group_type": "income", "name": nm})
        members += [(code, iso) for iso in cur.loc[cur["group"] == code, "iso3"]]

    # World Bank regions and its other aggregates (published in WDI files).
    wb = _read_csv(data_dir / "classifications" / "worldbank" / "CLASS_FY25_groups.csv")
    for (gcode, gname), grp in wb.groupby(["GroupCode", "GroupName"]):
        if gcode in INCOME_CODES.values() or gcode == "WLD":
            continue
        code = gcode if gcode in WB_REGIONS else f"WB_{gcode}"
        if any(g["code"] == code for g in groups):
            continue
        groups.append({"code": code, "kind": "group", "group_type": "wb_region" if gcode in WB_REGIONS
                       else "wb_aggregate", "name": gname})
        members += [(code, iso) for iso in grp["CountryCode"]]

    # Other M49 groupings used by the SDG database (published aggregates; membership not needed here).
    sdg_geo = data_dir / "un_sdg" / "ddf_unstats_2020-10" / "ddf--entities--geo_area.csv"
    if sdg_geo.exists():
        known_m49 = {r.get("m49") for r in rows + groups}
        for r in _read_csv(sdg_geo).itertuples(index=False):
            m49 = r.geo_area.zfill(3)
            if m49 not in known_m49 and not any(g["code"] == f"M49_{m49}" for g in groups):
                groups.append({"code": f"M49_{m49}", "kind": "group", "group_type": "sdg_region", "m49": m49,
                               "name": r.name})
    areas = pd.DataFrame(rows + groups)
    known = set(areas["code"])
    mem = pd.DataFrame(members, columns=["group", "iso3"]).drop_duplicates()
    mem = mem[mem["iso3"].isin(known)].reset_index(drop=True)

    # Names in the six languages from the M49 files; English from countries.csv (authoritative).
    name_rows = [{"code": r["code"], "lang": "en", "name": r["name"]} for r in rows + groups]
    m49_to_code = dict(zip(areas["m49"].dropna(), areas.loc[areas["m49"].notna(), "code"], strict=True))
    for lang in LANGS:
        if lang == "en":
            continue
        f = _read_csv(data_dir / "classifications" / "unsd_m49" / f"UNSD_M49_{_M49_FILE_LANG[lang]}.csv")
        pairs = set()
        for code_col, name_col in (("M49 Code", "Country or Area"), ("Region Code", "Region Name"),
                                   ("Sub-region Code", "Sub-region Name"),
                                   ("Intermediate Region Code", "Intermediate Region Name"),
                                   ("Global Code", "Global Name")):
            pairs |= set(zip(f[code_col], f[name_col], strict=True))
        for m49, nm in pairs:
            if m49 and nm and m49 in m49_to_code:
                name_rows.append({"code": m49_to_code[m49], "lang": lang, "name": nm})
    for code, by_lang in {**GROUP_NAMES, **_wb_group_names()}.items():
        name_rows += [{"code": code, "lang": lang, "name": nm} for lang, nm in by_lang.items()]
    names = pd.DataFrame(name_rows).drop_duplicates(["code", "lang"])
    editions = {"countries": "framework/countries.csv (2025-12)", "m49_names": "UNSD M49 (2024-09)",
                "income": f"OGHIST 2025-10-07 (current = FY{latest_fy % 100:02d})", "wb_groups": "CLASS FY25"}
    return AreaReference(areas=areas, names=names, members=mem, income_history=hist, editions=editions)
