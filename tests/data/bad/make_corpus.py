"""Regenerate the malformed-input corpus (run from this folder: ``python make_corpus.py``).

Each case is a file plus an entry in ``cases.yaml``: where the file goes in a data dir (so the build picks
the reader by path, as for real data), and the error code, row and column the build must report.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import yaml

HERE = Path(__file__).parent
WDI_HEAD = "Country Name,Country Code,Indicator Name,Indicator Code,2021,2022,2023\n"
WDI_ROW = "Kenya,KEN,Individuals using the Internet (% of population),IT.NET.USER.ZS,29.1,40.8137,\n"
ITU_HEAD = ('"seriesID","seriesCode","seriesName","seriesParent","seriesUnits","entityID","entityIso","entityName",'
            '"dataValue","dataYear","dataNote","dataSource","seriesDescription"\n')


def itu_row(code="i271GA", iso="KEN", value="97.3", year="2024"):
    return f'1,"{code}","x",,"%",1,"{iso}","Kenya","{value}",{year},"","",""\n'


SDG_HEAD = "Goal,Target,Indicator,SeriesCode,GeoAreaCode,GeoAreaName,TimePeriod,Value,Sex,Units\n"
BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n<lolz>&lol3;</lolz>\n')
XXE = ('<?xml version="1.0"?>\n<!DOCTYPE data [\n <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
       '<message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">'
       '&xxe;</message:StructureSpecificData>\n')

EGOV_HEAD = ("Survey Year,Country Name,E-Government Rank,E-Government Index,E-Participation Index,Online Service Index,"
             "Human Capital Index,Telecommunication Infrastructure Index\n")
EGOV_KEN = '2022,"Kenya ",113,0.55890,0.50000,0.68210,0.55700,0.43050\n'
GCI_HEAD = '\ufeff"cc_iso3c","ref_year","variable","value"\n'


def xlsx_truncated() -> bytes:
    """A ranking workbook like Oxford Insights', cut in the middle of its zip archive."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Rank", "Country", "2024 Total"])
    for i, name in enumerate(["Kenya", "India", "Brazil"] * 20, start=1):
        ws.append([i, name, 50.0])
    buf = io.BytesIO()
    wb.save(buf)
    raw = buf.getvalue()
    return raw[: len(raw) // 2]


def access_now_parquet(drop: str | None = None, end: str = "2024-03-02") -> bytes:
    """Two Access Now-like events (India, then Kenya with the given end date), optionally without a column."""
    import pandas as pd

    df = pd.DataFrame({"country": ["India", "Kenya"], "start_date": pd.to_datetime(["2024-01-05", "2024-03-01"]),
                       "end_date": pd.to_datetime(["2024-01-06", end]), "count_year": [2024, 2024],
                       "geo_scope": ["It only affected one city, county, or village"] * 2,
                       "area_name": ["Manipur", "Nationwide"]})
    if drop:
        df = df.drop(columns=drop)
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


# name: (target path in a data dir, content (str or bytes), code, row, column)
CASES: dict[str, tuple] = {
    "wdi_empty.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv", "", "empty-file", 1, "-"),
    "wdi_utf16_bom.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv", (WDI_HEAD + WDI_ROW).encode("utf-16"),
                          "bad-encoding", 1, "char 1"),
    "wdi_latin1.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv",
                       (WDI_HEAD + WDI_ROW + "Côte d'Ivoire,CIV,x,IT.NET.USER.ZS,1,2,3\n").encode("latin-1"),
                       "bad-encoding", 3, "char 2"),
    "wdi_missing_header.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv", WDI_ROW + WDI_ROW, "missing-column", 1,
                               "Country Name"),
    "wdi_duplicate_header.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv",
                                 WDI_HEAD.replace("2023", "Country Code") + WDI_ROW, "duplicate-header", 1,
                                 "Country Code (position 7)"),
    "wdi_non_numeric.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv", WDI_HEAD + WDI_ROW.replace("40.8137", "forty"),
                            "non-numeric", 2, "value"),
    "wdi_truncated.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv", WDI_HEAD + WDI_ROW + '"Uganda,UGA,"Individ',
                          "truncated-file", 3, "-"),
    "wdi_unclosed_quote.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv",
                               WDI_HEAD + WDI_ROW + 'Uganda,UGA,"Individuals using,IT.NET.USER.ZS,1,2,3\n',
                               "malformed-csv", 3, "-"),
    "wdi_extra_field.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv", WDI_HEAD + WDI_ROW + WDI_ROW.strip() + ",1,2\n",
                            "malformed-csv", 3, "-"),
    "wdi_unknown_indicator.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv",
                                  WDI_HEAD + WDI_ROW + WDI_ROW.replace("IT.NET.USER.ZS", "XX.FAKE.CODE"),
                                  "unknown-indicator", 3, "Indicator Code"),
    "wdi_unknown_area.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv", WDI_HEAD + WDI_ROW + WDI_ROW.replace("KEN", "QQQ"),
                             "unknown-area", 3, "2021"),
    "wdi_no_year_columns.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv",
                                "Country Name,Country Code,Indicator Name,Indicator Code\nKenya,KEN,x,IT.NET.USER.ZS\n",
                                "missing-column", 1, "-"),
    "wdi_header_only.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv", WDI_HEAD, "no-data-rows", 2, "-"),
    "wdi_percent_over_100.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv", WDI_HEAD + WDI_ROW.replace("40.8137", "140.2"),
                                 "percent-range", 2, "2022"),
    "wdi_duplicate_key.csv": ("wdi/API_IT.NET.USER.ZS_DS2_bad.csv", WDI_HEAD + WDI_ROW + WDI_ROW,
                              "duplicate-key", 3, "2021"),
    "itu_truncated.csv.gz": ("itu_datahub/bad.csv.gz", gzip.compress((ITU_HEAD + itu_row() * 50).encode())[:-30],
                             "truncated-file", 1, "-"),
    "itu_string_value.csv": ("itu_datahub/bad.csv", ITU_HEAD + itu_row() + itu_row(value="n/a", year="2023"),
                             "non-numeric", 3, "dataValue"),
    "itu_unknown_series.csv": ("itu_datahub/bad.csv", ITU_HEAD + itu_row(code="i999zz"), "unknown-indicator", 2,
                               "seriesCode"),
    "itu_missing_column.csv": ("itu_datahub/bad.csv", ITU_HEAD.replace('"dataYear"', '"year"') + itu_row(),
                               "missing-column", 1, "dataYear"),
    "itu_bad_year.csv": ("itu_datahub/bad.csv", ITU_HEAD + itu_row() + itu_row(year="20x4"), "bad-year", 3,
                         "dataYear"),
    "itu_duplicate_key.csv": ("itu_datahub/bad.csv", ITU_HEAD + itu_row() + itu_row(value="96.0"), "duplicate-key",
                              3, "dataValue"),
    "itu_percent_range.csv": ("itu_datahub/bad.csv", ITU_HEAD + itu_row(value="140"), "percent-range", 2,
                              "dataValue"),
    "itu_negative_count.csv": ("itu_datahub/bad.csv", ITU_HEAD + itu_row(code="i4213tfbb", value="-5"),
                               "negative-count", 2, "dataValue"),
    "itu_unknown_area.csv": ("itu_datahub/bad.csv", ITU_HEAD + itu_row() + itu_row(iso="XQZ"), "unknown-area", 3,
                             "dataValue"),
    "itu_enormous_line.csv.gz": ("itu_datahub/bad.csv.gz",
                                 gzip.compress((ITU_HEAD + itu_row() + '1,"i271GA","' + "x" * 300_000 + '"\n').encode()),
                                 "line-too-long", 3, "-"),
    "ddf_unknown_concept.csv": ("gapminder_systema_globalis/ddf--datapoints--made_up_concept--by--geo--time.csv",
                                "geo,time,made_up_concept\nken,2020,1\n", "unknown-indicator", 1, "made_up_concept"),
    "ddf_missing_value_column.csv": ("gapminder_systema_globalis/ddf--datapoints--internet_users--by--geo--time.csv",
                                     "geo,time,value\nken,2020,1\n", "missing-column", 1, "internet_users"),
    "sdg_unknown_series.csv": ("un_sdg/sdg_database_bad.csv", SDG_HEAD + "17,17.8,17.8.1,XX_FAKE,404,Kenya,2020,30,BOTHSEX,PERCENT\n",
                               "unknown-indicator", 2, "SeriesCode"),
    "sdg_decimal_comma.csv": ("un_sdg/sdg_database_bad.csv", SDG_HEAD + '5,5.b,5.b.1,IT_MOB_OWN,404,Kenya,2020,"61,5",BOTHSEX,PERCENT\n',
                              "non-numeric", 2, "Value"),
    "opensdg_unknown_country.csv": ("national_sdg/atlantis/indicator_17-8-1.csv", "Year,Sex,Value\n2020,,50\n",
                                    "unknown-area", 1, "-"),
    "opensdg_non_numeric.csv": ("national_sdg/uk/indicator_17-8-1.csv", "Year,Sex,Value\n2020,,50\n2021,,high\n",
                                "non-numeric", 3, "Value"),
    "tidy_unknown_sex.csv": ("itu_gender_urban/bad_tidy.csv",
                             "economy,iso3,year,location,sex,value_pct\nKenya,KEN,2019,total,other,20\n",
                             "unknown-code", 2, "sex"),
    "a4ai_bad_number.csv": ("a4ai_affordability/A4AI-Mobile-Broadband-Pricing-2019Q2.csv",
                            "ISO3,Cost_1_GB_USD,Cost_1_GB_Share_GNICM\nKEN,4.19,0.031\nUGA,$2,0.05\n",
                            "non-numeric", 3, "Cost_1_GB_USD"),
    "idi_unknown_area.csv": ("itu_idi/idi_2024_scores_secondary.csv", "iso3,idi_2024_score\nKEN,58.5\nXYZ,40\n",
                             "unknown-area", 3, "idi_2024_score"),
    "sdmx_xxe.xml": ("sdmx/BAD/xxe.xml", XXE, "xml-forbidden", 2, "DOCTYPE"),
    "sdmx_entity_bomb.xml": ("sdmx/BAD/bomb.xml", BOMB, "xml-forbidden", 2, "DOCTYPE"),
    "sdmx_malformed.xml": ("sdmx/BAD/broken.xml", '<?xml version="1.0"?>\n<a>\n  <b>\n</a>\n', "malformed-xml", 4,
                           "char 2"),
    "sdmx_empty.xml": ("sdmx/BAD/empty.xml", "", "empty-file", 1, "-"),
    "gairi_truncated.xlsx": ("ai_readiness/2024-GAIRI-data.xlsx", xlsx_truncated(), "truncated-file", 1, "-"),
    "access_now_missing_column.parquet": ("shutdowns/access_now_bad.parquet", access_now_parquet(drop="count_year"),
                                          "missing-column", 1, "count_year"),
    "access_now_end_before_start.parquet": ("shutdowns/access_now_bad.parquet", access_now_parquet(end="2024-02-20"),
                                            "end-before-start", 2, "end_date"),
    "egov_duplicate_country.csv": ("egovernment/EGOV_DATA_2022.csv", EGOV_HEAD + EGOV_KEN + EGOV_KEN,
                                   "duplicate-key", 3, "Country Name"),
    "gci_score_over_100.csv": ("cybersecurity/gci_2020.csv",
                               GCI_HEAD + '"KEN",2020,"gci_overall",181.7\n"KEN",2020,"gci_legal_measures",20\n',
                               "score-range", 2, "value"),
}


def main() -> None:
    """Write every corpus file and cases.yaml."""
    index = {}
    for name, (target, content, code, row, col) in CASES.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (HERE / name).write_bytes(data)
        index[name] = {"target": target, "code": code, "row": row, "column": col}
    (HERE / "cases.yaml").write_text(yaml.safe_dump(index, sort_keys=True, allow_unicode=True), encoding="utf-8")


if __name__ == "__main__":
    main()
