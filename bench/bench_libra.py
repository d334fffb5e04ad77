"""Libra R-CNN: the torch samplers against their plain-Python references (the baseline, run side by side on the
same negatives), one Balanced Feature Pyramid pass per refine type against the pass without refinement (the
baseline), and the page's sampling study. Ratios in the note column; benchmarks report, they never assert.

    python -m bench.run libra
"""

from __future__ import annotations

import time

import torch

from bench._timing import row, summarize, time_it
from lossviz import losses
from lossviz.analysis import libra as A
from tests import libra_reference as ref

GROUP = "libra"


def _pool(n: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` proposals' max IoU shaped like the default synthetic scene: ~70 % near 0, a tail up to 1."""
    g = torch.Generator().manual_seed(seed)
    iou = torch.where(torch.rand(n, generator=g) < 0.7, torch.rand(n, generator=g) * 0.05, torch.rand(n, generator=g))
    iou[:5] = 1.0  # ground truths added as proposals
    return torch.nonzero(iou < 0.5).flatten(), iou


def _sampler_rows() -> list[dict]:
    """On one thread: a sampler is a chain of small ops, and on a busy machine torch's intra-op threads cost more
    than they give (measured: 10x slower on two threads under load)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _sampler_rows_1()
    finally:
        torch.set_num_threads(threads)


def _sampler_rows_1() -> list[dict]:
    rows = []
    for n in (2_000, 20_000):
        neg, mo = _pool(n)
        neg_list, mo_list = neg.tolist(), mo.tolist()
        size = f"{n:,} proposals, {neg.numel():,} negatives, N = 384"
        for name, core, plain in [
            (
                "mmdet IoUBalancedNegSampler",
                lambda neg=neg, mo=mo: losses.iou_balanced_neg_sample_mmdet(
                    neg, mo, 384, generator=torch.Generator().manual_seed(0)
                ),
                lambda neg_list=neg_list, mo_list=mo_list: ref.mmdet_sample_neg(
                    neg_list, mo_list, 384, choice=ref.seeded(0)
                ),
            ),
            (
                "paper IoU-balanced",
                lambda neg=neg, mo=mo: losses.iou_balanced_neg_sample_paper(
                    neg, mo, 384, generator=torch.Generator().manual_seed(0)
                ),
                lambda neg_list=neg_list, mo_list=mo_list: ref.paper_sample_neg(
                    neg_list, mo_list, 384, choice=ref.seeded(0)
                ),
            ),
        ]:
            base = time_it(plain, repeat=9)
            mine = time_it(core, repeat=9)
            ratio = mine["median_ms"] / base["median_ms"]
            rows.append(row(GROUP, f"{name}: plain-Python reference (baseline)", size, base, "1 thread"))
            rows.append(row(GROUP, f"{name}: torch core", size, mine, f"1 thread, {ratio:.2f}x the baseline"))
    return rows


def _bfp_rows() -> list[dict]:
    """The Libra config: 256 channels, P2-P6 of an 800 x 1344 input (P2 200 x 336), refine level P4 (50 x 84)."""
    g = torch.Generator().manual_seed(0)
    feats = [torch.randn(1, 256, 200 >> i, 336 >> i, generator=g) for i in range(5)]
    size = "1 x 256 x P2-P6 (200x336 ... 13x21), float32"
    rows = []
    base = None
    for refine in losses.REFINE_TYPES:
        module = losses.make_refine(refine, 256, generator=torch.Generator().manual_seed(0), zero_init_out=False)

        def run(module=module) -> None:
            with torch.no_grad():
                losses.balanced_feature_pyramid(feats, refine=module)

        timing = time_it(run, repeat=3)
        if base is None:
            base = timing["median_ms"]
            rows.append(row(GROUP, "BFP pass, refine none (baseline)", size, timing))
        else:
            ratio = timing["median_ms"] / base
            rows.append(row(GROUP, f"BFP pass, refine {refine}", size, timing, f"{ratio:.2f}x the baseline"))
    return rows


def _cpu_it(fn, repeat: int = 7) -> dict[str, float]:
    """Like ``time_it`` but the process's CPU time (all threads): what a server pays, spinning workers included."""
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        samples.append((time.process_time() - t0) * 1e3)
    return summarize(samples)


def _separate(scene: A.SceneParams, sampler: A.SamplerParams) -> None:
    A.sampling_study(scene, sampler)
    A.k_ablation(scene, sampler)


def _study_rows() -> list[dict]:
    scene, sampler = A.SceneParams(), A.SamplerParams()
    timing = time_it(lambda: A.sampling_study(scene, sampler), repeat=7)
    rows = [row(GROUP, "sampling study, page default", "8 images x 2,006 proposals, 4 samplers", timing)]
    # What a page rerun computes: the study and the K ablation. Separately (the baseline: the ablation reruns the
    # whole study for K = 2, 3, 5) and in one pass (scenes, assignment and the K-independent samplers shared).
    # Each on torch's default intra-op threads and on one: the tensors are small (~2,000 proposals), and a second
    # thread costs CPU time (its spin-wait after every parallel op) without saving wall time.
    size = "8 images x 2,006 proposals; study + K ablation"
    threads = torch.get_num_threads()
    base = None
    for n in dict.fromkeys((threads, 1)):
        torch.set_num_threads(n)
        try:
            for name, fn in (("separate calls", _separate), ("one pass", A.study_and_ablation)):
                wall = time_it(lambda fn=fn: fn(scene, sampler), repeat=5)
                cpu = _cpu_it(lambda fn=fn: fn(scene, sampler), repeat=5)
                base = base or cpu["median_ms"]
                note = (f"{n} thread(s); CPU {cpu['median_ms']:.0f} ms = {cpu['median_ms'] / base:.2f}x the baseline "
                        f"(separate calls, {threads} threads)")  # fmt: skip
                label = f"page rerun: {name}, {n} thread(s)" + (" (baseline)" if cpu["median_ms"] == base else "")
                rows.append(row(GROUP, label, size, wall, note))
        finally:
            torch.set_num_threads(threads)
    timing = time_it(lambda: A.pyramid_view(A.blob_pyramid(), refine="non_local"), repeat=7)
    rows.append(row(GROUP, "pyramid view, page default", "P2 64x64, 8 channels, non-local + 5 ablations", timing))
    return rows


def run() -> list[dict]:
    return _sampler_rows() + _bfp_rows() + _study_rows()
