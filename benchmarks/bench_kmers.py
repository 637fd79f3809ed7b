"""Benchmark: k-mer counting with KmerVectorizer against the simple approaches.

Run with ``make bench`` or ``python benchmarks/bench_kmers.py [--n 100000]``.

Encodes ``n`` random sequences of ``length`` nt at ``k`` three ways, in one process:

(a) simple   a list of k-mer strings per sequence + ``MultiLabelBinarizer``
             (dense presence matrix, as chapter 03 first shows it)
(b) sklearn  ``CountVectorizer(analyzer="char", ngram_range=(k, k), lowercase=False)``
(c) fast     ``helpers.features.KmerVectorizer(k)``

and checks that (c) gives exactly the counts of (b) and the presence matrix of
(a). Wall-clock and CPU times are reported; (a) and (b) run once (they take
seconds), (c) is the best of ``--repeat`` runs. The memory of (c) is the peak
of memory traced by ``tracemalloc`` during a separate, untimed run, compared
with the size of the matrix it returns.

The order matters on a fresh virtual machine, where the first touch of memory
pages is slow; so a warm-up touches as much memory as (a) will use before any
timing, which puts all three on the same footing.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import MultiLabelBinarizer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from helpers.encoding import KmerVectorizer


def random_sequences(n: int, length: int, seed: int = 0) -> list[str]:
    """``n`` uniformly random ACGT sequences of ``length`` nt."""
    rng = np.random.default_rng(seed)
    letters = np.frombuffer(b"ACGT", dtype=np.uint8)[rng.integers(0, 4, n * length)]
    text = letters.tobytes().decode("ascii")
    return [text[i * length : (i + 1) * length] for i in range(n)]


def simple_kmers(seqs: list[str], k: int) -> np.ndarray:
    """(a) The textbook approach: lists of k-mer strings, then a dense binarizer."""
    kmer_lists = [[s[i : i + k] for i in range(len(s) - k + 1)] for s in seqs]
    return MultiLabelBinarizer().fit_transform(kmer_lists)


def count_vectorizer(seqs: list[str], k: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """(b) scikit-learn's character n-gram counter."""
    cv = CountVectorizer(analyzer="char", ngram_range=(k, k), lowercase=False)
    return cv.fit_transform(seqs), cv.get_feature_names_out()


def timed(fn: Callable[[], object]) -> tuple[object, float, float]:
    """Run ``fn`` once; return its result, wall-clock and CPU seconds."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def matrix_bytes(X: sp.csr_matrix) -> int:
    return X.data.nbytes + X.indices.nbytes + X.indptr.nbytes


def warm_up_memory(n_bytes: int) -> None:
    """Touch ``n_bytes`` of memory once so later first touches are not penalised."""
    block = np.ones(n_bytes // 8)
    del block


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of sequences")
    parser.add_argument("--length", type=int, default=200, help="sequence length (nt)")
    parser.add_argument("--k", type=int, default=6, help="k-mer length")
    parser.add_argument("--repeat", type=int, default=5, help="runs of the fast encoder")
    parser.add_argument("--skip-simple", action="store_true", help="do not run (a)")
    args = parser.parse_args(argv)
    n, length, k = args.n, args.length, args.k

    print(f"{n:,} random sequences of {length} nt, k = {k}")
    seqs = random_sequences(n, length)
    n_windows = length - k + 1
    warm_up_memory(n * min(4**k, n_windows * 4**k) * 8 + (1 << 28))
    vec = KmerVectorizer(k=k).fit(seqs[:1000])  # fixed vocabulary: fit only validates parameters
    vec.transform(seqs[:1000])  # import and first-call costs out of the way

    rows = []
    simple = None
    if not args.skip_simple:
        simple, wall_a, cpu_a = timed(lambda: simple_kmers(seqs, k))
        rows.append(("(a) simple: k-mer lists + MultiLabelBinarizer (dense)", wall_a, cpu_a))
        simple_sample = simple[:2000].copy()
        simple_bytes = simple.nbytes
        del simple
    (Y, names), wall_b, cpu_b = timed(lambda: count_vectorizer(seqs, k))
    rows.append(("(b) CountVectorizer(analyzer='char')", wall_b, cpu_b))

    best_wall, best_cpu = np.inf, np.inf
    for _ in range(args.repeat):
        X, wall_c, cpu_c = timed(lambda: vec.transform(seqs))
        best_wall, best_cpu = min(best_wall, wall_c), min(best_cpu, cpu_c)
    rows.append((f"(c) KmerVectorizer (best of {args.repeat})", best_wall, best_cpu))

    # exactness: same counts as (b), same presence as (a)
    vocabulary = vec.vocabulary_
    same_as_b = (X[:, [vocabulary[w] for w in names]] != Y).nnz == 0 and X.nnz == Y.nnz
    same_as_a = None
    if not args.skip_simple:
        # MultiLabelBinarizer sorts its classes, which is the lexicographic k-mer order
        seen = np.flatnonzero(np.asarray((X > 0).sum(axis=0)).ravel())
        same_as_a = bool(
            (X[:2000][:, seen].toarray() > 0).astype(simple_sample.dtype).tolist()
            == simple_sample.tolist()
        )

    # memory of (c): peak traced during one run, against the size of its output
    del X, Y
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    X = vec.transform(seqs)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    out_bytes = matrix_bytes(X)

    width = max(len(r[0]) for r in rows)
    print(f"\n{'method':<{width}}  {'wall':>9}  {'cpu':>9}  {'wall ratio':>10}  {'cpu ratio':>9}")
    for label, wall, cpu in rows:
        print(
            f"{label:<{width}}  {wall:8.3f}s  {cpu:8.3f}s  "
            f"{wall / best_wall:9.1f}x  {cpu / best_cpu:8.1f}x"
        )
    print(
        f"\noutput of (c): {X.shape[0]:,} x {X.shape[1]:,} CSR, {X.nnz:,} non-zeros, "
        f"{out_bytes / 2**20:.1f} MiB ({X.data.dtype} values, {X.indices.dtype} indices)"
    )
    if not args.skip_simple:
        print(f"output of (a): dense {simple_bytes / 2**20:.1f} MiB")
    print(
        f"peak memory of (c) while encoding: {peak / 2**20:.1f} MiB "
        f"= {peak / out_bytes:.2f} x its output"
    )
    print(f"identical counts to (b): {same_as_b}")
    if same_as_a is not None:
        print(f"identical presence to (a) (first 2,000 rows): {same_as_a}")
    ok = same_as_b and (same_as_a is not False)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
