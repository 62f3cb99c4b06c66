# Reference values for test/monitoring/*: reads a JSON list of cases on stdin, writes a JSON list
# of results (floats; None for NaN). Each case names a SciPy function and its arguments.
import json
import math
import sys

import numpy as np
from scipy import stats
from scipy.spatial import distance


def num(x):
    x = float(x)
    return None if math.isnan(x) else x


def run(case):
    op = case["op"]
    if op == "ks_2samp":
        r = stats.ks_2samp(case["a"], case["b"], method=case.get("method", "auto"))
        return {"statistic": num(r.statistic), "pvalue": num(r.pvalue)}
    if op == "kstwo_sf":
        return num(stats.kstwo.sf(case["x"], case["n"]))
    if op == "chi2_contingency":
        r = stats.chi2_contingency(np.array(case["table"]), correction=case.get("correction", True))
        return {"statistic": num(r.statistic), "pvalue": num(r.pvalue), "dof": int(r.dof)}
    if op == "jensenshannon":
        return num(distance.jensenshannon(case["p"], case["q"]))
    if op == "wasserstein_distance":
        return num(stats.wasserstein_distance(case["u"], case["v"], case.get("u_weights"), case.get("v_weights")))
    if op == "std":
        return num(np.std(case["x"]))
    if op == "chi2_sf":
        return num(stats.chi2.sf(case["x"], case["k"]))
    if op == "norm_sf":
        return num(stats.norm.sf(case["x"]))
    if op == "false_discovery_control":
        return [num(v) for v in stats.false_discovery_control(case["p"], method="bh")]
    if op == "psi":
        # Evidently's formula on given proportions, zeros filled as Evidently does.
        r = np.array(case["r"], dtype=float)
        c = np.array(case["c"], dtype=float)
        for p in (r, c):
            m = p[p != 0].min()
            np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
        return num(np.sum((r - c) * np.log(r / c)))
    raise ValueError(f"unknown op {op}")


print(json.dumps([run(c) for c in json.load(sys.stdin)]))
