"""Writes the sample datasets shipped in public/samples/ (run with Debian's /usr/bin/python3).

The tabular sets come from scikit-learn's bundled copies (BSD-3-Clause), the others from the npm
package vega-datasets (unpacked into VEGA, default /tmp/package/data) and from R's datasets
package. Licences and sources are listed in public/samples/LICENSES.md and in index.json.
"""

import csv
import json
import os
import sys

from sklearn import datasets

OUT = os.path.join(os.path.dirname(__file__), "..", "public", "samples")
VEGA = sys.argv[1] if len(sys.argv) > 1 else "/tmp/package/data"


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def number(v):
    v = float(v)
    return int(v) if v.is_integer() else round(v, 6)


def sklearn_set(loader, file, target, names=None, classes=True):
    bunch = loader()
    features = names or [str(n) for n in bunch.feature_names]
    labels = bunch.target_names if classes else None
    rows = []
    for x, y in zip(bunch.data, bunch.target):
        rows.append([number(v) for v in x] + [labels[int(y)] if classes else number(y)])
    write(file, features + [target], rows)


os.makedirs(OUT, exist_ok=True)
sklearn_set(
    datasets.load_iris,
    "iris.csv",
    "species",
    ["sepal_length", "sepal_width", "petal_length", "petal_width"],
)
sklearn_set(datasets.load_wine, "wine.csv", "cultivar")
sklearn_set(datasets.load_breast_cancer, "breast-cancer.csv", "diagnosis")
sklearn_set(
    datasets.load_digits, "digits.csv", "digit", [f"pixel_{i}" for i in range(64)]
)
# The unscaled diabetes data (age in years, sex as 1/2), as in the original study.
sklearn_set(
    lambda: datasets.load_diabetes(scaled=False),
    "diabetes.csv",
    "progression",
    ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"],
    classes=False,
)

with open(os.path.join(VEGA, "penguins.json")) as f:
    penguins = json.load(f)
cols = ["Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)", "Sex", "Species"]
names = ["island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex", "species"]
write(
    "penguins.csv",
    names,
    [["" if p.get(c) in (None, ".") else p[c] for c in cols] for p in penguins],
)

for name in ("seattle-weather.csv", "co2-concentration.csv"):
    with open(os.path.join(VEGA, name)) as src, open(os.path.join(OUT, name), "w") as dst:
        dst.write(src.read())
