#!/usr/bin/env python3
"""Fits the answer's confidence model (src/answer/confidence.rs) on the tuning sets.

    cargo run --release --example eval -- --features > /tmp/evidence.tsv
    python3 scripts/fit-confidence.py /tmp/evidence.tsv      # needs scikit-learn and pandas

The label is "the top section answers the question" (0 for every out-of-notes question). Only
the tuning sets are fitted on; the threshold is the lowest at which, in 10-fold
cross-validation, every tuning in-notes set keeps confident wrong citations at or under
MAX_WRONG and the tuning out-of-notes set confident answers at or under MAX_OUTSIDE. The
held-out sets are printed last, for the report only: nothing here is chosen on them.

A question naming a service the notes never mention is never answered (`absent`), whatever the
model says: those rows are left out of the fit and count as not confident. Neither is a top
section that covers less than COVERAGE_FLOOR of the question.
"""
import os
import sys
import warnings

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

# The model's features; FEATURES=a,b,… tries others of the columns `eval --features` prints
# (second_coverage, named, focus_missing, words, predicates: none raised the cross-validated
# confident-right share at the same limits in session 21).
FEATURES = os.environ.get("FEATURES", "coverage,runner_up,asks_what,services").split(",")
MAX_WRONG = 0.05
MAX_OUTSIDE = 0.05
C = 1.0
# Below this coverage nothing is an answer, whatever the model says: a linear model extrapolates
# (a lone hit with a third of the question's words would be "confident"), and on the tuning
# sets the confident answers under 0.45 were 4 right ones against 2 out-of-notes questions
# (Cloud Run pricing, a memory limit for hibernation).
COVERAGE_FLOOR = 0.45

warnings.filterwarnings("ignore")


def rates(df, confident):
    """Per set: confident right and wrong as shares of in-notes questions, outside confident."""
    out = {}
    for name, rows in df.groupby("set"):
        c = confident[rows.index]
        inside = rows.in_notes == 1
        if inside.any():
            n = inside.sum()
            out[name] = ("in", ((rows.right == 1) & c & inside).sum() / n, ((rows.right == 0) & c & inside).sum() / n)
        else:
            out[name] = ("out", c.sum() / len(rows), 0.0)
    return out


def within_limits(r):
    return all(w <= MAX_WRONG if kind == "in" else right <= MAX_OUTSIDE for kind, right, w in r.values())


def show(label, r):
    for name, (kind, a, b) in sorted(r.items()):
        figs = f"confident right {a:.3f}, wrong {b:.3f}" if kind == "in" else f"outside confident {a:.3f}"
        print(f"  {label:8s} {name:18s} {figs}")


def main():
    d = pd.read_csv(sys.argv[1], sep="\t", quoting=3)
    d["asks_what"] = d.asks_what.astype(float)
    tuning = d[d.set.str.startswith("tuning")]
    fit_rows = tuning[tuning.absent == 0]
    model = LogisticRegression(C=C, max_iter=10000)
    folds = StratifiedKFold(n_splits=10, shuffle=True, random_state=0)
    cv = pd.Series(0.0, index=tuning.index)
    cv[fit_rows.index] = cross_val_predict(
        model, fit_rows[FEATURES].values, fit_rows.right.values, cv=folds, method="predict_proba"
    )[:, 1]
    eligible = (d.absent == 0) & (d.coverage >= COVERAGE_FLOOR)
    threshold = next(
        (t for t in np.arange(0.30, 0.99, 0.01) if within_limits(rates(tuning, (cv >= t) & eligible))),
        None,
    )
    if threshold is None:
        sys.exit("no threshold keeps the tuning sets within the limits")
    model.fit(fit_rows[FEATURES].values, fit_rows.right.values)
    print(f"INTERCEPT = {model.intercept_[0]:.4f}")
    for name, w in zip(FEATURES, model.coef_[0]):
        print(f"// {name}: {w:.4f}")
    print(f"MIN_CONFIDENCE = {threshold:.2f}")

    def predict(df):
        p = pd.Series(model.predict_proba(df[FEATURES].values)[:, 1], index=df.index)
        return (p >= threshold) & eligible[df.index]

    print("10-fold cross-validation on the tuning sets:")
    show("cv", rates(tuning, (cv >= threshold) & eligible))
    print("the fitted model:")
    show("fit", rates(d, predict(d)))
    print("coverage >= 0.65 alone (the rule before the model):")
    show("coverage", rates(d, (d.coverage >= 0.65) & (d.absent == 0)))


if __name__ == "__main__":
    main()
