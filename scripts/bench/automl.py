"""Helper of scripts/bench/automl.ts, run with Debian's /usr/bin/python3 (scikit-learn 1.2).

  split SRC.csv TARGET TASK OUTDIR     75/25 split (stratified for classification, seed 0)
  generate OUTDIR                      the generated data sets, as CSV files
  baseline TRAIN.csv TEST.csv TARGET TASK METRIC
      The reference: HistGradientBoosting, RandomForest and LogisticRegression (classification)
      or Ridge (regression), each with default settings, compared by 5-fold cross-validation on
      METRIC; the best is refitted on all of TRAIN and scored on TEST. Prints one JSON line.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification, make_friedman1
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    roc_auc_score,
)
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

SCORING = {
    'accuracy': 'accuracy',
    'balanced_accuracy': 'balanced_accuracy',
    'f1_macro': 'f1_macro',
    'roc_auc': 'roc_auc_ovr_weighted',
    'log_loss': 'neg_log_loss',
    'r2': 'r2',
    'rmse': 'neg_root_mean_squared_error',
    'mae': 'neg_mean_absolute_error',
}


def split(source, target, task, out):
    frame = pd.read_csv(source)
    frame = frame[frame[target].notna()]
    stratify = frame[target] if task == 'classification' else None
    train, test = train_test_split(frame, test_size=0.25, random_state=0, stratify=stratify)
    train.to_csv(f'{out}/train.csv', index=False)
    test.to_csv(f'{out}/test.csv', index=False)


def generate(out):
    x, y = make_classification(
        n_samples=20000, n_features=20, n_informative=10, n_redundant=4, n_classes=2,
        flip_y=0.03, class_sep=0.8, random_state=0)
    frame = pd.DataFrame(x, columns=[f'x{i}' for i in range(x.shape[1])])
    frame['label'] = np.where(y == 1, 'yes', 'no')
    frame.to_csv(f'{out}/classification-20k.csv', index=False)

    x, y = make_friedman1(n_samples=3000, n_features=10, noise=1.0, random_state=0)
    frame = pd.DataFrame(x, columns=[f'x{i}' for i in range(x.shape[1])])
    frame['y'] = y
    frame.to_csv(f'{out}/friedman-regression.csv', index=False)

    x, y = make_classification(
        n_samples=6000, n_features=15, n_informative=6, n_redundant=3, weights=[0.95, 0.05],
        flip_y=0.01, class_sep=1.0, random_state=1)
    frame = pd.DataFrame(x, columns=[f'f{i}' for i in range(x.shape[1])])
    frame['fraud'] = np.where(y == 1, 'fraud', 'ok')
    frame.to_csv(f'{out}/imbalanced-binary.csv', index=False)


def preprocessor(frame, scale):
    categorical = [c for c in frame.columns if frame[c].dtype == object]
    numeric = [c for c in frame.columns if c not in categorical]
    numeric_steps = [SimpleImputer(strategy='median')] + ([StandardScaler()] if scale else [])
    return ColumnTransformer([
        ('numeric', make_pipeline(*numeric_steps), numeric),
        ('categorical', make_pipeline(SimpleImputer(strategy='most_frequent'),
                                      OneHotEncoder(handle_unknown='ignore')), categorical),
    # Dense output: HistGradientBoosting refuses the sparse matrix one-hot columns would give
    # a table of categories only.
    ], sparse_threshold=0)


def test_scores(task, model, x, y):
    if task == 'regression':
        predicted = model.predict(x)
        return {
            'rmse': float(np.sqrt(mean_squared_error(y, predicted))),
            'mae': float(mean_absolute_error(y, predicted)),
            'r2': float(r2_score(y, predicted)),
        }
    proba = model.predict_proba(x)
    predicted = model.classes_[np.argmax(proba, axis=1)]
    binary = len(model.classes_) == 2
    return {
        'accuracy': float(accuracy_score(y, predicted)),
        'balanced_accuracy': float(balanced_accuracy_score(y, predicted)),
        'f1_macro': float(f1_score(y, predicted, average='macro')),
        'roc_auc': float(roc_auc_score(y, proba[:, 1]) if binary else
                         roc_auc_score(y, proba, multi_class='ovr', average='weighted',
                                       labels=model.classes_)),
        'log_loss': float(log_loss(y, proba, labels=model.classes_)),
    }


def baseline(train_path, test_path, target, task, metric):
    started = time.perf_counter()
    train = pd.read_csv(train_path)
    test = pd.read_csv(test_path)
    test = test[test[target].notna()]
    x, y = train.drop(columns=[target]), train[target]
    if task == 'classification':
        y = y.astype(str)
        candidates = {
            'HistGradientBoosting': (HistGradientBoostingClassifier(random_state=0), False),
            'RandomForest': (RandomForestClassifier(random_state=0), False),
            'LogisticRegression': (LogisticRegression(), True),
        }
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    else:
        candidates = {
            'HistGradientBoosting': (HistGradientBoostingRegressor(random_state=0), False),
            'RandomForest': (RandomForestRegressor(random_state=0), False),
            'Ridge': (Ridge(), True),
        }
        folds = KFold(n_splits=5, shuffle=True, random_state=0)
    cv = {}
    for name, (estimator, scale) in candidates.items():
        model = make_pipeline(preprocessor(x, scale), estimator)
        cv[name] = float(np.mean(cross_val_score(model, x, y, cv=folds, scoring=SCORING[metric])))
    best = max(cv, key=cv.get)
    estimator, scale = candidates[best]
    model = make_pipeline(preprocessor(x, scale), estimator).fit(x, y)
    y_test = test[target].astype(str) if task == 'classification' else test[target]
    scores = test_scores(task, model, test.drop(columns=[target]), y_test)
    print(json.dumps({
        'best': best,
        'cv': cv,
        'test': scores,
        'wall_s': time.perf_counter() - started,
    }))


if __name__ == '__main__':
    command, args = sys.argv[1], sys.argv[2:]
    if command == 'split':
        split(*args)
    elif command == 'generate':
        generate(*args)
    elif command == 'baseline':
        baseline(*args)
    else:
        sys.exit(f'unknown command {command}')
