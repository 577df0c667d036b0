"""Generate the synthetic household ICT survey fixture (deterministic; run once, output committed).

6 strata (3 urban, 3 rural), 30 PSUs with population counts per stratum, 8 households per PSU out of a
known number, every household member interviewed. Replicate columns for JK1, JKn (combined weights) and
BRR, Fay, bootstrap and successive-difference factors. Usage: python make_household.py > household.csv
"""

import sys

import numpy as np
import pandas as pd

rng = np.random.default_rng(20251217)
n_psu = [4, 5, 6, 4, 5, 6]
N_psu = [40, 60, 80, 50, 70, 90]
rows, psu_id = [], 0
for h, (n, N) in enumerate(zip(n_psu, N_psu, strict=True), start=1):
    for _ in range(n):
        psu_id += 1
        m_hh = int(rng.integers(60, 160))
        for j in range(1, 9):
            hh = psu_id * 100 + j
            size = int(rng.integers(1, 7))
            hh_net = int(rng.random() < (0.75 if h <= 3 else 0.45))
            adj = round(float(rng.uniform(0.9, 1.1)), 3)
            w = round(N / n * m_hh / 8 * adj, 4)
            for _p in range(size):
                age = int(rng.integers(5, 86))
                sex = "F" if rng.random() < 0.52 else "M"
                lin = 1.2 - 0.035 * (age - 30) + (0.8 if h <= 3 else -0.4) - (0.3 if sex == "F" else 0) + 1.2 * hh_net
                use = int(rng.random() < 1 / (1 + np.exp(-lin)))
                q12 = (int(rng.integers(1, 4)) if use else 4) if rng.random() > 0.04 else None
                rows.append({
                    "stratum": h, "stratum_l": 7 if psu_id == 30 else h, "psu": psu_id, "hh": hh,
                    "fpc_psu": N, "fpc_hh": m_hh, "w": w, "area": "U" if h <= 3 else "R", "sex": sex,
                    "age": age, "age_group": "05-14" if age < 15 else "15-24" if age < 25 else
                    "25-54" if age < 55 else "55+",
                    "internet_use": None if rng.random() < 0.03 else use,
                    "mobile_own": int(rng.random() < (0.9 if age >= 15 else 0.3)),
                    "hh_internet": hh_net,
                    "ict_skill": int(rng.random() < 0.2 + 0.5 * use) if age >= 15 else None,
                    "q12": q12,
                    "income": round(float(rng.gamma(2.0, 300.0 if h <= 3 else 180.0)), 2),
                    "spend_ict": round(float(rng.gamma(1.5, 12.0)) * (1 + use), 2),
                })
df = pd.DataFrame(rows)
psus = df["psu"].to_numpy()
strat = df["stratum"].to_numpy()
w = df["w"].to_numpy()
P = psu_id
for r in range(1, P + 1):  # JK1: drop one PSU, others times P/(P-1)
    df[f"jk1_{r}"] = np.where(psus == r, 0.0, w * P / (P - 1)).round(6)
for r in range(1, P + 1):  # JKn: drop PSU r within its stratum
    h = strat[psus == r][0]
    nh = n_psu[h - 1]
    df[f"jkn_{r}"] = np.where(psus == r, 0.0, np.where(strat == h, w * nh / (nh - 1), w)).round(6)
had = np.array([[1, 1, 1, 1, 1, 1, 1, 1], [1, -1, 1, -1, 1, -1, 1, -1], [1, 1, -1, -1, 1, 1, -1, -1],
                [1, -1, -1, 1, 1, -1, -1, 1], [1, 1, 1, 1, -1, -1, -1, -1], [1, -1, 1, -1, -1, 1, -1, 1],
                [1, 1, -1, -1, -1, -1, 1, 1], [1, -1, -1, 1, -1, 1, 1, -1]])
first_psu = {h: int(psus[strat == h].min()) for h in range(1, 7)}
half = np.array([(p - first_psu[s]) % 2 for p, s in zip(psus, strat, strict=True)])
for r in range(8):
    sign = had[r, strat] * np.where(half == 0, 1, -1)
    df[f"brr_{r + 1}"] = np.where(sign > 0, 2, 0)
    df[f"fay_{r + 1}"] = np.where(sign > 0, 1.5, 0.5)
for r in range(1, 21):  # Rao-Wu bootstrap multiplicities times n_h/(n_h-1)
    fac = np.zeros(len(df))
    for h in range(1, 7):
        ids = np.unique(psus[strat == h])
        draw = rng.choice(ids, size=len(ids) - 1, replace=True)
        for p in ids:
            fac[psus == p] = (draw == p).sum() * len(ids) / (len(ids) - 1)
    df[f"boot_{r}"] = fac.round(6)
sdr = ["0.2928932188134524", "1", "1.7071067811865475"]
sdr_k = rng.integers(0, 3, size=(P + 1, 17))
for r in range(1, 17):
    df[f"sdr_{r}"] = [sdr[sdr_k[p, r]] for p in psus]
df["internet_use"] = df["internet_use"].astype("Int64")
df["ict_skill"] = df["ict_skill"].astype("Int64")
df["q12"] = df["q12"].astype("Int64")
df.to_csv(sys.stdout, index=False, lineterminator="\n")
