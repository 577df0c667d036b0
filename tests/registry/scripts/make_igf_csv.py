"""Write a CSV of synthetic national and regional IGF initiatives for the import tests.

THE NAMES ARE SYNTHETIC ("Synthetic national IGF 017 (KEN)"): they are made up for testing and are not the
IGF Secretariat's list of NRIs. Countries are real ISO 3166 alpha-3 codes so that the rows pass the
registry's vocabulary check.

    python tests/registry/scripts/make_igf_csv.py OUT.csv [N] [--bad-row K] [--countries KEN,GHA,...]

``--countries`` draws the national forums' countries from that list (a small test release knows only a few).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

COUNTRIES = ["AFG", "ALB", "DZA", "AGO", "ARG", "ARM", "AUS", "AUT", "AZE", "BGD", "BEL", "BEN", "BTN", "BOL", "BIH", "BWA", "BRA", "BGR", "BFA", "BDI", "CPV", "KHM", "CMR", "CAN", "CAF", "TCD", "CHL", "CHN", "COL", "COM", "COG", "CRI", "CIV", "HRV", "CUB", "CYP", "CZE", "COD", "DNK", "DJI", "DOM", "ECU", "EGY", "SLV", "GNQ", "ERI", "EST", "SWZ", "ETH", "FJI", "FIN", "FRA", "GAB", "GMB", "GEO", "DEU", "GHA", "GRC", "GTM", "GIN", "GNB", "GUY", "HTI", "HND", "HUN", "ISL", "IND", "IDN", "IRN", "IRQ", "IRL", "ISR", "ITA", "JAM", "JPN", "JOR", "KAZ", "KEN", "KIR", "KWT", "KGZ", "LAO", "LVA", "LBN", "LSO", "LBR", "LBY", "LTU", "LUX", "MDG", "MWI", "MYS", "MDV", "MLI", "MLT", "MRT", "MUS", "MEX", "MNG", "MNE", "MAR", "MOZ", "MMR", "NAM", "NPL", "NLD", "NZL", "NIC", "NER", "NGA", "MKD", "NOR", "OMN", "PAK", "PAN", "PNG", "PRY", "PER", "PHL", "POL", "PRT", "QAT", "KOR", "MDA", "ROU", "RUS", "RWA", "WSM", "SEN", "SRB", "SLE", "SGP", "SVK", "SVN", "SLB", "SOM", "ZAF", "SSD", "ESP", "LKA", "SDN", "SUR", "SWE", "CHE", "SYR", "TJK", "THA", "TLS", "TGO", "TON", "TTO", "TUN", "TUR", "TKM", "UGA", "UKR", "ARE", "GBR", "TZA", "USA", "URY", "UZB", "VUT", "VEN", "VNM", "YEM", "ZMB", "ZWE"]
REGIONS = (("African", "DZA;EGY;KEN;NGA;ZAF"), ("Asia Pacific", "AUS;IND;JPN;PHL;THA"),
           ("Latin American and Caribbean", "ARG;BRA;CHL;MEX;PER"), ("European", "DEU;FRA;ITA;POL;ESP"),
           ("Arab", "EGY;JOR;LBN;MAR;TUN"))
COLUMNS = ("name", "scope", "countries", "year_founded", "status", "website")


def rows(n: int = 200, countries: tuple[str, ...] | None = None) -> list[dict[str, str]]:
    """``n`` synthetic rows: mostly national (one per country), every tenth regional; every 25th inactive."""
    pool = countries or COUNTRIES
    out = []
    for i in range(n):
        if i % 10 == 9:
            region, countries = REGIONS[(i // 10) % len(REGIONS)]
            if pool is not COUNTRIES:
                countries = ";".join(pool[:5])
            name, scope = f"Synthetic {region} regional IGF {i:03d}", "regional"
        else:
            countries = pool[i % len(pool)]
            name, scope = f"Synthetic national IGF {i:03d} ({countries})", "national"
        out.append({"name": name, "scope": scope, "countries": countries, "year_founded": str(2006 + i % 19),
                    "status": "inactive" if i % 25 == 24 else "active",
                    "website": f"https://igf-{i:03d}.example.org/"})
    return out


def write(path: Path, n: int = 200, bad_row: int | None = None, countries: tuple[str, ...] | None = None) -> Path:
    """Write the CSV; with ``bad_row`` (1-based data row), that row gets a scope the registry refuses."""
    data = rows(n, countries)
    if bad_row is not None:
        data[bad_row - 1]["scope"] = "continental"
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(data)
    return Path(path)


if __name__ == "__main__":
    args = sys.argv[1:]
    opts = {flag: args[args.index(flag) + 1] for flag in ("--bad-row", "--countries") if flag in args}
    pos = [a for i, a in enumerate(args) if not a.startswith("--") and (i == 0 or not args[i - 1].startswith("--"))]
    pool = tuple(opts["--countries"].split(",")) if "--countries" in opts else None
    write(Path(pos[0]), int(pos[1]) if len(pos) > 1 else 200,
          int(opts["--bad-row"]) if "--bad-row" in opts else None, pool)
