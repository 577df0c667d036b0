"""Generate a synthetic ICT household survey with an office's own column names and codes (deterministic).

Used to show `--indicators itu-core --variables`: 2-stage design (8 strata, 40 clusters, 12 households per
cluster, every member interviewed). Codes as many questionnaires have them: 1 = yes, 2 = no, 9 = don't know;
SEX 1 = male, 2 = female; URBRUR 1 = urban, 2 = rural; LINE 1 = the household's reference person.
Usage: python make_ict.py > ict_survey.csv
"""

import sys

import numpy as np
import pandas as pd

rng = np.random.default_rng(20261201)
rows = []
for cl in range(1, 41):
    stratum = (cl - 1) // 5 + 1
    urban = 1 if stratum <= 4 else 2
    base_w = rng.uniform(150, 450)
    for h in range(1, 13):
        hhid = cl * 100 + h
        comp = rng.random() < (0.45 if urban == 1 else 0.15)
        net = rng.random() < (0.75 if urban == 1 else 0.4)
        fbb = (rng.random() < (0.55 if urban == 1 else 0.2)) if net else None
        mbb = (rng.random() < 0.8) if net else None
        w = round(base_w * rng.uniform(0.9, 1.1), 3)
        for line in range(1, int(rng.integers(1, 7)) + 1):
            age = int(rng.integers(18, 80)) if line == 1 else int(rng.integers(3, 85))
            sex = int(rng.integers(1, 3))
            lin = 0.8 - 0.04 * (age - 30) + (0.7 if urban == 1 else -0.3) - (0.25 if sex == 2 else 0) + 1.0 * net
            use = rng.random() < 1 / (1 + np.exp(-lin))
            yn = lambda b: 1 if b else 2  # noqa: E731
            row = {"STRATUM": stratum, "CLUSTER": cl, "HHID": hhid, "LINE": line, "WEIGHT": w, "URBRUR": urban,
                   "SEX": sex, "AGE": age, "H7": yn(comp), "H9": yn(net),
                   "H10_A": "" if fbb is None else yn(fbb), "H10_B": "" if mbb is None else yn(mbb),
                   "I1": 9 if rng.random() < 0.02 else yn(rng.random() < (0.6 if use else 0.05)),
                   "I3": yn(use), "I7": yn(rng.random() < (0.95 if age >= 15 else 0.4)),
                   "I8": yn(rng.random() < (0.85 if age >= 15 else 0.2))}
            for k, p in zip("ABCDE", (0.8, 0.7, 0.5, 0.3, 0.2), strict=True):
                row[f"I5_{k}"] = yn(rng.random() < p) if use else ""
            for k, p in enumerate((0.5, 0.45, 0.4, 0.2, 0.25, 0.2, 0.15, 0.3, 0.05), start=1):
                row[f"I9_{k}"] = yn(rng.random() < p * (1.5 if use else 0.3)) if age >= 15 else ""
            rows.append(row)
pd.DataFrame(rows).to_csv(sys.stdout, index=False)
