#!/usr/bin/python3
"""Trains a direction classifier on a Lockstep dataset and exports it to ONNX.

Called by `npx lockstep ml train` with Debian's Python (python3-sklearn, python3-onnx):
the dataset arrives as raw little-endian float64 files written by the TypeScript side
(X: rows x features, row-major; y: labels; ts: bar times in µs) plus meta.json.

Cross-validation is purged k-fold with an embargo (López de Prado, Advances in Financial
Machine Learning, ch. 7): the data is split into contiguous folds in time; a training row
whose label window [i, i + horizon] overlaps the test fold's label windows is purged,
and `embargo` rows after the test fold are dropped as well. Features are z-scored with
training statistics inside each fold; the final model is fitted on every row, and its
mean/std go into the model card for inference.

The ONNX graph takes z-scored features `features` [N, F] (float32) and returns
`probability` [N, 1] = P(label = 1): logistic regression as MatMul + Add + Sigmoid, the
MLP as Gemm + Relu + Gemm + Sigmoid. Deterministic: same dataset and options, same model.
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import onnx
import sklearn
from onnx import TensorProto, helper, numpy_helper
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.neural_network import MLPClassifier


def purged_kfold(n, folds, horizon, embargo):
    """(train, test) index arrays for contiguous test folds, purged and embargoed."""
    bounds = np.linspace(0, n, folds + 1).astype(int)
    idx = np.arange(n)
    for k in range(folds):
        a, b = bounds[k], bounds[k + 1]
        # Before the fold: label windows must end before the fold starts.
        # After it: start after the last test label window ends, plus the embargo.
        train = idx[(idx + horizon < a) | (idx >= b + horizon + embargo)]
        yield train, idx[a:b]


def make_model(kind, c):
    if kind == 'logistic':
        return LogisticRegression(C=c, max_iter=1000)
    if kind == 'mlp':
        return MLPClassifier(hidden_layer_sizes=(16,), alpha=1e-3, max_iter=300, random_state=0)
    raise SystemExit(f'unknown model kind {kind!r}: use logistic or mlp')


def to_onnx(model, kind, width):
    f32 = lambda a: np.asarray(a, dtype=np.float32)
    x = helper.make_tensor_value_info('features', TensorProto.FLOAT, ['N', width])
    y = helper.make_tensor_value_info('probability', TensorProto.FLOAT, ['N', 1])
    if kind == 'logistic':
        inits = [numpy_helper.from_array(f32(model.coef_.T), 'W'), numpy_helper.from_array(f32(model.intercept_), 'b')]
        nodes = [
            helper.make_node('MatMul', ['features', 'W'], ['z0']),
            helper.make_node('Add', ['z0', 'b'], ['z']),
            helper.make_node('Sigmoid', ['z'], ['probability']),
        ]
    else:
        (w1, w2), (b1, b2) = model.coefs_, model.intercepts_
        inits = [numpy_helper.from_array(f32(w1), 'W1'), numpy_helper.from_array(f32(b1), 'b1'),
                 numpy_helper.from_array(f32(w2), 'W2'), numpy_helper.from_array(f32(b2), 'b2')]
        nodes = [
            helper.make_node('Gemm', ['features', 'W1', 'b1'], ['h0']),
            helper.make_node('Relu', ['h0'], ['h']),
            helper.make_node('Gemm', ['h', 'W2', 'b2'], ['z']),
            helper.make_node('Sigmoid', ['z'], ['probability']),
        ]
    graph = helper.make_graph(nodes, f'lockstep-{kind}', [x], [y], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='lockstep-train_signal')
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--input', required=True, help='folder with X.f64, y.f64, ts.f64, meta.json')
    ap.add_argument('--out', required=True, help='output path without extension (writes .onnx and .json)')
    ap.add_argument('--kind', default='logistic')
    ap.add_argument('--folds', type=int, default=5)
    ap.add_argument('--embargo', type=int, default=60)
    ap.add_argument('--c', type=float, default=0.1, help='inverse L2 strength of the logistic regression')
    a = ap.parse_args()

    meta = json.load(open(os.path.join(a.input, 'meta.json')))
    n, w, horizon = meta['rows'], len(meta['features']), meta['horizon']
    raw = open(os.path.join(a.input, 'X.f64'), 'rb').read()
    X = np.frombuffer(raw, dtype='<f8').reshape(n, w)
    y = np.frombuffer(open(os.path.join(a.input, 'y.f64'), 'rb').read(), dtype='<f8').astype(int)
    ts = np.frombuffer(open(os.path.join(a.input, 'ts.f64'), 'rb').read(), dtype='<f8')
    if not np.all(np.isfinite(X)):
        bad = np.argwhere(~np.isfinite(X))[0]
        sys.exit(f'dataset row {bad[0]} feature {meta["features"][bad[1]]}: not a finite number')

    scores = []
    for k, (tr, te) in enumerate(purged_kfold(n, a.folds, horizon, a.embargo)):
        mu, sd = X[tr].mean(0), X[tr].std(0)
        sd[sd == 0] = 1
        m = make_model(a.kind, a.c).fit((X[tr] - mu) / sd, y[tr])
        p = m.predict_proba((X[te] - mu) / sd)[:, 1]
        scores.append({'fold': k, 'trainRows': int(len(tr)), 'testRows': int(len(te)),
                       'auc': float(roc_auc_score(y[te], p)), 'accuracy': float(accuracy_score(y[te], p > 0.5)),
                       'logLoss': float(log_loss(y[te], p, labels=[0, 1]))})
    mean = {s: float(np.mean([f[s] for f in scores])) for s in ('auc', 'accuracy', 'logLoss')}

    mu, sd = X.mean(0), X.std(0)
    sd[sd == 0] = 1
    model = make_model(a.kind, a.c).fit((X - mu) / sd, y)
    onnx_model = to_onnx(model, a.kind, w)
    onnx.save(onnx_model, a.out + '.onnx')

    check_rows = X[np.linspace(0, n - 1, 8).astype(int)]
    iso = lambda t: np.datetime_as_string(np.datetime64(int(t), 'us'), unit='s') + 'Z'
    card = {
        'format': 'lockstep.model/1', 'name': os.path.basename(a.out), 'kind': a.kind,
        'features': meta['features'],
        'normalization': {'mean': mu.tolist(), 'std': sd.tolist()},
        'input': 'features', 'output': 'probability', 'horizon': horizon,
        'label': 'P(log return over the next `horizon` bars > 0)',
        'trainingWindow': {'from': iso(ts[0]), 'to': iso(ts[-1]), 'rows': int(n)},
        'cv': {'method': 'purged k-fold with embargo', 'folds': a.folds, 'purge': horizon, 'embargo': a.embargo,
               'scores': scores, 'mean': mean},
        'hyperparameters': {'c': a.c} if a.kind == 'logistic' else {'hidden': 16, 'alpha': 1e-3},
        'check': {'inputs': check_rows.tolist(), 'probability': model.predict_proba((check_rows - mu) / sd)[:, 1].tolist()},
        'createdBy': {'script': 'models/train_signal.py', 'sklearn': sklearn.__version__, 'onnx': onnx.__version__,
                      'numpy': np.__version__, 'datasetSha256': hashlib.sha256(raw).hexdigest(), 'source': meta.get('source', '')},
    }
    with open(a.out + '.json', 'w') as f:
        json.dump(card, f, indent=2)
        f.write('\n')
    print(json.dumps({'model': a.out + '.onnx', 'cv': mean}))


if __name__ == '__main__':
    main()
