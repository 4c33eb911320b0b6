"""Exact-count tools: every table count of the sample is met by dealing, not by chance.

A variable with published level counts is dealt as an exact multiset of labels and
shuffled (:func:`deal`); subsets of a given size are picked without replacement
(:func:`pick`); shares are rounded to whole numbers that keep their total.
"""
from __future__ import annotations

import numpy as np

def deal(rng: np.random.Generator, counts: dict, n: int | None = None) -> np.ndarray:
    """An exact multiset of labels (label repeated count times), shuffled."""
    labels = np.concatenate([np.array([k] * v, dtype=object) for k, v in counts.items()]
                            or [np.array([], dtype=object)])
    if n is not None and len(labels) != n:
        raise ValueError(f"counts add to {len(labels)}, expected {n}")
    return labels[rng.permutation(len(labels))]


def pick(rng, pool: np.ndarray, k: int, weights: np.ndarray | None = None) -> np.ndarray:
    """k distinct members of pool (weighted without replacement when weights given)."""
    pool = np.asarray(pool)
    if k > len(pool):
        raise ValueError(f"cannot pick {k} of {len(pool)}")
    if k == 0:
        return pool[:0]
    p = None if weights is None else np.asarray(weights, float) / np.sum(weights)
    return rng.choice(pool, size=k, replace=False, p=p)


def largest_remainder(shares: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers adding to total, as close as possible to the given shares."""
    base = np.floor(shares).astype(int)
    rest = total - base.sum()
    base[np.argsort(-(shares - base), kind="stable")[:rest]] += 1
    return base


def mask_of(n: int, idx) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[np.asarray(idx, dtype=int)] = True
    return out
