"""Reference data agrees with its files."""

from wsis.reference import load_areas, load_frameworks


def test_un_groups_and_members(shared_data):
    ref = load_areas(shared_data)
    c = ref.countries
    assert int(c["ldc"].sum()) == 44
    assert int(c["lldc"].sum()) == 32
    assert int((c["un_status"] == "member").sum()) == 193
    assert len(ref.group_members("LDC")) == 44
    assert "STP" not in ref.group_members("LDC")  # graduated 13 Dec 2024
    assert "KEN" in ref.group_members("ITU_AFR")
    assert "KEN" in ref.group_members("M49_014") and "KEN" in ref.group_members("M49_202")


def test_income_groups_by_fiscal_year(shared_data):
    ref = load_areas(shared_data)
    h = ref.income_history
    cri = h[h["iso3"] == "CRI"].set_index("fiscal_year")["group"]
    assert cri[2026] == "HIC" and cri[2025] == "UMC"
    counts = h[h["fiscal_year"] == 2026]["group"].value_counts().to_dict()
    assert counts == {"HIC": 87, "UMC": 54, "LMC": 50, "LIC": 26}
    assert "CRI" in ref.group_members("HIC")  # current = FY26


def test_names_in_six_languages(shared_data):
    ref = load_areas(shared_data)
    assert ref.name("KEN", "en") == "Kenya"
    assert ref.name("KEN", "fr") == "Kenya"
    assert ref.name("DZA", "fr") == "Algérie"
    assert ref.name("M49_002", "zh") == "非洲"
    assert ref.name("KEN", "ar") == "كينيا"
    assert set(ref.names["lang"]) == {"ar", "en", "es", "fr", "ru", "zh"}
    assert ref.name("LDC", "fr") == "Pays les moins avancés" and ref.name("HIC", "zh") == "高收入国家"
    for code in ("LDC", "LLDC", "SIDS", "HIC", "UMC", "LMC", "LIC", "ITU_AFR", "WLD"):
        assert {ref.name(code, lang) for lang in ("ar", "es", "fr", "ru", "zh")}.isdisjoint({ref.name(code)}), code


def test_frameworks(shared_data):
    fw = load_frameworks(shared_data)
    assert len(fw.paragraphs) == 127
    assert [a["code"] for a in fw.action_lines] == [f"C{i}" for i in range(1, 12)]
    assert "C7-EHEALTH" in fw.action_line_codes()
    assert fw.sdg_title("17.8.1", "en") == "Proportion of individuals using the Internet"
    assert fw.sdg_title("17.8.1", "fr").startswith("Proportion")
    assert {d["para"] for d in fw.deliverables} >= {67, 86, 113, 117, 122, 124, 127}
    assert len(fw.gdc_objectives) == 5
