"""Libra R-CNN on synthetic data: IoU-balanced negative sampling (paper Fig. 3) and the Balanced Feature Pyramid.

Everything is computed by the torch core (``lossviz.losses.sampling``, ``lossviz.losses.pyramid``, ``box_iou``,
``sigmoid_focal_loss``); this module builds the synthetic scenes and pyramids, runs the core and returns numpy arrays
in dataclasses. No Streamlit, no Plotly.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from lossviz import losses

METHODS = ("random", "hard", "paper", "mmdet")
HARD_MODES = ("loss", "iou")
#: The paper's ablation of the number of bins K (Libra R-CNN, Table 5 of arXiv 1904.02701): AP on COCO val.
PAPER_K_AP = {2: 36.7, 3: 36.8, 5: 36.7}
#: Fig. 3's two quoted numbers: share of negatives with IoU > 0.05.
PAPER_SHARE = {"hard": 0.60, "random": 0.30}
SHARE_THR = 0.05
HIST_EDGES = np.round(np.linspace(0.0, 0.5, 11), 10)
IMAGE_SIZE = 512
MAX_TOTAL_PROPOSALS = 200_000
#: OHEM stand-in: a simulated classifier's foreground logit ``SLOPE * IoU + OFFSET + NOISE * N(0, 1)``.
HARD_SLOPE, HARD_OFFSET, HARD_NOISE = 10.0, -4.0, 1.0

LEVELS = ("P2", "P3", "P4", "P5", "P6")

# The page's choices, as language-independent codes (its URL values).
PANELS = ("sampling", "bfp")
#: Every URL key of the Libra R-CNN page (the shell's registry of its links), also those of the panel not shown.
URL_KEYS = (
    "lib_panel",
    "lib_images", "lib_gts", "lib_smin", "lib_smax", "lib_crowd", "lib_props", "lib_jitter", "lib_bg",
    "lib_neg", "lib_bins", "lib_floor", "lib_ffrac", "lib_addgt", "lib_hard", "lib_seed",
    "lib_sec_k", "lib_sec_scene", "lib_show",
    "lib_src", "lib_base", "lib_blobs", "lib_noise", "lib_fseed", "lib_refine", "lib_level", "lib_zero", "lib_resid",
    "lib_qx", "lib_qy",
)  # fmt: skip
FLOOR_THRS = (-1.0, 0.0, 0.05, 0.1)  # mmdetection's floor_thr: -1 (no floor set), 0, or a low IoU
REFINES = losses.REFINE_TYPES
#: Older links carried the English display names (lib_panel=Balanced+Feature+Pyramid); they map to the codes.
LEGACY_CODES = {"IoU-balanced sampling": "sampling", "Balanced Feature Pyramid": "bfp", "3x3 conv": "conv",
                "non-local": "non_local"}  # fmt: skip
#: The Regression page showing Smooth L1 against Balanced L1 at the paper's α = 0.5, γ = 1.5, β = 1.
BALANCED_L1_LINK = "/regression?reg_show=Smooth+L1&reg_show=Balanced+L1&reg_alpha=0.5&reg_gamma=1.5&reg_beta=1.0"
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_UPLOAD_PIXELS = 40_000_000


class InputError(ValueError):
    """Bad user input: ``code`` names the problem (``libra.err.<code>`` in the translations), ``params`` fill it."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


# ---------------------------------------------------------------------------------------------------------- scenes


@dataclass(frozen=True)
class SceneParams:
    """Synthetic images: ``gts`` ground truths per image (sides log-uniform in ``[size_min, size_max]`` px, aspect
    0.5–2, centres packed into a region that shrinks with ``crowding``), ``proposals`` per image of which a share
    ``background`` is uniform random boxes and the rest jittered copies of a random ground truth (centre offset and
    log-size noise ``jitter`` × its size)."""

    images: int = 8
    gts: int = 6
    size_min: float = 24.0
    size_max: float = 160.0
    crowding: float = 0.3
    proposals: int = 2000
    jitter: float = 0.8
    background: float = 0.7
    seed: int = 0

    def validate(self) -> None:
        for name, lo, hi in (("images", 1, 64), ("gts", 1, 100), ("proposals", 10, 10_000)):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
                raise InputError("count", name=name, value=v, lo=lo, hi=hi)
        if self.images * self.proposals > MAX_TOTAL_PROPOSALS:
            raise InputError("too_many", total=self.images * self.proposals, limit=MAX_TOTAL_PROPOSALS)
        for name in ("size_min", "size_max", "crowding", "jitter", "background"):
            if not np.isfinite(getattr(self, name)):
                raise InputError("not_finite", name=name)
        if self.size_min < 1 or self.size_max < 1:
            raise InputError("zero_size", size=min(self.size_min, self.size_max))
        if self.size_min > self.size_max:
            raise InputError("size_order", lo=self.size_min, hi=self.size_max)
        if self.size_max > IMAGE_SIZE:
            raise InputError("size_too_big", size=self.size_max, image=IMAGE_SIZE)
        if not (0 <= self.crowding <= 1 and 0 <= self.background <= 1 and 0 <= self.jitter <= 5):
            raise InputError("fraction")


def _clip_boxes(b: torch.Tensor) -> torch.Tensor:
    b = b.clamp(0, IMAGE_SIZE)
    x1, y1 = torch.minimum(b[:, 0], b[:, 2]), torch.minimum(b[:, 1], b[:, 3])
    x2, y2 = torch.maximum(b[:, 0], b[:, 2]), torch.maximum(b[:, 1], b[:, 3])
    # at least one pixel wide and high (a zero-size proposal has IoU 0 with everything)
    x2 = torch.maximum(x2, x1 + 1).clamp(max=IMAGE_SIZE)
    x1 = torch.minimum(x1, x2 - 1)
    y2 = torch.maximum(y2, y1 + 1).clamp(max=IMAGE_SIZE)
    y1 = torch.minimum(y1, y2 - 1)
    return torch.stack([x1, y1, x2, y2], 1)


def make_scene(p: SceneParams, image: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Ground truths ``(gts, 4)`` and proposals ``(proposals, 4)`` (float32 xyxy px) of image ``image``; seeded by
    ``(p.seed, image)`` so every image is reproducible on its own."""
    g = torch.Generator().manual_seed(int(p.seed) * 100_003 + int(image))
    s = IMAGE_SIZE
    side = torch.exp(
        torch.empty(p.gts).uniform_(float(np.log(p.size_min)), float(np.log(p.size_max)) + 1e-9, generator=g)
    )
    aspect = torch.exp(torch.empty(p.gts).uniform_(float(np.log(0.5)), float(np.log(2.0)), generator=g))
    w, h = side * aspect.sqrt(), side / aspect.sqrt()
    region = s * (1.0 - 0.8 * p.crowding)
    corner = torch.rand(2, generator=g) * (s - region)
    cx = corner[0] + torch.rand(p.gts, generator=g) * region
    cy = corner[1] + torch.rand(p.gts, generator=g) * region
    gt = _clip_boxes(torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1))

    n_bg = round(p.proposals * p.background)
    n_obj = p.proposals - n_bg
    bg_side = torch.exp(torch.empty(n_bg).uniform_(float(np.log(8)), float(np.log(s / 2)), generator=g))
    bg_ar = torch.exp(torch.empty(n_bg).uniform_(float(np.log(0.5)), float(np.log(2.0)), generator=g))
    bw, bh = bg_side * bg_ar.sqrt(), bg_side / bg_ar.sqrt()
    bcx, bcy = torch.rand(n_bg, generator=g) * s, torch.rand(n_bg, generator=g) * s
    bg = torch.stack([bcx - bw / 2, bcy - bh / 2, bcx + bw / 2, bcy + bh / 2], 1)

    which = torch.randint(0, p.gts, (n_obj,), generator=g)
    gw, gh = (gt[which, 2] - gt[which, 0]), (gt[which, 3] - gt[which, 1])
    gcx, gcy = (gt[which, 0] + gt[which, 2]) / 2, (gt[which, 1] + gt[which, 3]) / 2
    j = p.jitter
    ocx = gcx + torch.randn(n_obj, generator=g) * j * gw
    ocy = gcy + torch.randn(n_obj, generator=g) * j * gh
    ow = gw * torch.exp(torch.randn(n_obj, generator=g) * j)
    oh = gh * torch.exp(torch.randn(n_obj, generator=g) * j)
    obj = torch.stack([ocx - ow / 2, ocy - oh / 2, ocx + ow / 2, ocy + oh / 2], 1)
    return gt, _clip_boxes(torch.cat([obj, bg]))


# -------------------------------------------------------------------------------------------------------- sampling


@dataclass(frozen=True)
class SamplerParams:
    """How many negatives per image and how each sampler is set up (mmdetection's names)."""

    num_neg: int = 384
    num_bins: int = 3
    floor_thr: float = -1.0
    floor_fraction: float = 0.0
    add_gt_as_proposals: bool = True
    hard_mode: str = "loss"
    neg_iou_thr: float = 0.5

    def validate(self) -> None:
        if not isinstance(self.num_neg, int) or isinstance(self.num_neg, bool) or not 1 <= self.num_neg <= 4096:
            raise InputError("count", name="num_neg", value=self.num_neg, lo=1, hi=4096)
        if not isinstance(self.num_bins, int) or not 1 <= self.num_bins <= 20:
            raise InputError("count", name="num_bins", value=self.num_bins, lo=1, hi=20)
        if not (self.floor_thr == -1 or 0 <= self.floor_thr < self.neg_iou_thr):
            raise InputError("floor_thr", value=self.floor_thr, hi=self.neg_iou_thr)
        if not 0 <= self.floor_fraction <= 1:
            raise InputError("fraction")
        if self.hard_mode not in HARD_MODES:
            raise InputError("hard_mode", value=self.hard_mode)


@dataclass
class SamplingStudy:
    """The sampled negatives' max IoU, per method, pooled over all images.

    ``ious[m]`` holds every sampled negative's max IoU for method ``m`` (``METHODS``), ``pool`` every negative's.
    ``mmdet_bins`` / ``paper_bins``: per bin index, how many negatives of the pool and of the sample fall in it (the
    mmdetection bins use each image's own edges; ``mmdet_edges`` are image 0's, ``mmdet_edges_vary`` says whether
    the images disagree)."""

    scene: SceneParams
    sampler: SamplerParams
    ious: dict[str, np.ndarray]
    pool: np.ndarray
    n_pos: int
    requested: int
    mmdet_edges: np.ndarray
    mmdet_edges_vary: bool
    mmdet_bins: dict[str, np.ndarray]
    paper_edges: np.ndarray
    paper_bins: dict[str, np.ndarray]
    example_gt: np.ndarray
    example_props: np.ndarray
    example_sampled: dict[str, np.ndarray]
    example_iou: np.ndarray = field(repr=False)

    def histogram(self, method: str | None = None) -> np.ndarray:
        """Percent of the sampled negatives (``method=None``: of all negatives) per ``HIST_EDGES`` bin."""
        x = self.pool if method is None else self.ious[method]
        counts, _ = np.histogram(np.clip(x, 0, 0.5 - 1e-12), bins=HIST_EDGES)
        return 100.0 * counts / max(1, x.size)

    def share_above(self, method: str | None = None, thr: float = SHARE_THR) -> float:
        """Share of the sampled negatives (``None``: of all negatives) with max IoU > ``thr``."""
        x = self.pool if method is None else self.ious[method]
        return float((x > thr).mean()) if x.size else 0.0

    def counts(self) -> dict[str, int]:
        return {m: int(self.ious[m].size) for m in METHODS}

    def rows(self) -> list[dict]:
        """One row per sampled negative (method, max IoU): the CSV download."""
        return [{"method": m, "max_iou": float(v)} for m in METHODS for v in self.ious[m]]

    def histogram_columns(self) -> dict[str, list]:
        cols: dict[str, list] = {
            "iou_from": list(HIST_EDGES[:-1]),
            "iou_to": list(HIST_EDGES[1:]),
            "all_negatives_pct": list(self.histogram()),
        }
        for m in METHODS:
            cols[f"{m}_pct"] = list(self.histogram(m))
        return cols


def _hardness(iou: torch.Tensor, mode: str, g: torch.Generator) -> torch.Tensor:
    if mode == "iou":
        return iou
    logits = (
        HARD_SLOPE * iou.double() + HARD_OFFSET + HARD_NOISE * torch.randn(iou.shape, generator=g, dtype=torch.float64)
    )
    return losses.sigmoid_focal_loss(logits, torch.zeros_like(logits), alpha=-1.0, gamma=0.0)  # background CE


def _bin_counts(iou: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Count per ``[edges[i], edges[i + 1])``, the last interval closed; values outside the edges are not counted
    (``np.histogram`` with explicit edges: the same intervals, by binary search)."""
    return np.histogram(iou, bins=edges)[0].astype(np.int64)


@dataclass(frozen=True)
class _Image:
    """One synthetic image assigned and sampled by the K-independent methods: what the IoU-balanced samplers need
    for any K. ``state`` is the image's generator state after the random and hard samplers drew from it, so a
    sampler rerun for another K draws exactly what it would have drawn in a study with that K."""

    gt: torch.Tensor
    props: torch.Tensor
    mo: torch.Tensor
    neg: torch.Tensor
    n_pos: int
    random: torch.Tensor
    hard: torch.Tensor
    state: torch.Tensor


def _prepare(scene: SceneParams, sampler: SamplerParams, image: int) -> _Image:
    """Image ``image``: scene, assignment (negatives: max IoU < ``neg_iou_thr``), random and hard negatives."""
    gt, props = make_scene(scene, image)
    if sampler.add_gt_as_proposals:  # mmdetection prepends the ground truths to the proposals (IoU 1)
        props = torch.cat([gt, props])
    a = losses.assign_max_iou(props, gt, pos_iou_thr=0.5, neg_iou_thr=sampler.neg_iou_thr)
    neg, mo = a.neg_inds, a.max_overlaps
    g = torch.Generator().manual_seed(int(scene.seed) * 7919 + image)
    rnd = losses.random_neg_sample(neg, sampler.num_neg, generator=g)
    hard = losses.hard_neg_sample(neg, sampler.num_neg, hardness=_hardness(mo, sampler.hard_mode, g))
    return _Image(gt, props, mo, neg, int(a.pos_inds.numel()), rnd, hard, g.get_state())


def _balanced(im: _Image, sampler: SamplerParams, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The paper's and mmdetection's IoU-balanced negatives of one image with ``k`` bins (the same generator draws
    as in a study with ``num_bins = k``)."""
    g = torch.Generator()
    g.set_state(im.state)
    paper = losses.iou_balanced_neg_sample_paper(
        im.neg, im.mo, sampler.num_neg, num_bins=k, neg_iou_thr=sampler.neg_iou_thr, generator=g
    )
    mmdet = losses.iou_balanced_neg_sample_mmdet(
        im.neg,
        im.mo,
        sampler.num_neg,
        floor_thr=sampler.floor_thr,
        floor_fraction=sampler.floor_fraction,
        num_bins=k,
        generator=g,
    )
    return paper, mmdet


def _prepare_all(
    scene: SceneParams, sampler: SamplerParams, progress: Callable[[float], None] | None, share: float
) -> list[_Image]:
    scene.validate()
    sampler.validate()
    images = []
    for img in range(scene.images):
        images.append(_prepare(scene, sampler, img))
        if progress is not None:
            progress(share * (img + 1) / scene.images)
    return images


def _study(scene: SceneParams, sampler: SamplerParams, images: list[_Image]) -> SamplingStudy:
    k = sampler.num_bins
    ious: dict[str, list[np.ndarray]] = {m: [] for m in METHODS}
    pool = []
    paper_edges = np.linspace(0.0, sampler.neg_iou_thr, k + 1)
    mm_bins = {"pool": np.zeros(k, np.int64), "sampled": np.zeros(k, np.int64)}
    pp_bins = {"pool": np.zeros(k, np.int64), "sampled": np.zeros(k, np.int64)}
    edges0, vary = None, False
    example: dict[str, np.ndarray] = {}
    for img, im in enumerate(images):
        mo = im.mo.numpy()
        pool_iou = mo[im.neg.numpy()]
        pool.append(pool_iou)
        paper, mmdet = _balanced(im, sampler, k)
        chosen = {"random": im.random.numpy(), "hard": im.hard.numpy(), "paper": paper.numpy(), "mmdet": mmdet.numpy()}
        for m, idx in chosen.items():
            ious[m].append(mo[idx])
        edges = losses.mmdet_bin_edges(im.mo, floor_thr=sampler.floor_thr, num_bins=k).numpy()
        if edges0 is None:
            edges0 = edges
        elif not np.allclose(edges, edges0):
            vary = True
        pool64, mm64, pp64 = pool_iou.astype(np.float64), ious["mmdet"][-1].astype(np.float64), ious["paper"][-1]
        mm_bins["pool"] += _bin_counts(pool64, edges)
        mm_bins["sampled"] += _bin_counts(mm64, edges)
        pp_bins["pool"] += _bin_counts(pool64, paper_edges)
        pp_bins["sampled"] += _bin_counts(pp64.astype(np.float64), paper_edges)
        if img == 0:
            example = {
                "gt": im.gt.numpy(),
                "props": im.props.numpy(),
                "iou": mo,
                **{f"s_{m}": i for m, i in chosen.items()},
            }
    return SamplingStudy(
        scene=scene,
        sampler=sampler,
        ious={m: np.concatenate(v) for m, v in ious.items()},
        pool=np.concatenate(pool),
        n_pos=sum(im.n_pos for im in images),
        requested=sampler.num_neg * scene.images,
        mmdet_edges=edges0,
        mmdet_edges_vary=vary,
        mmdet_bins=mm_bins,
        paper_edges=paper_edges,
        paper_bins=pp_bins,
        example_gt=example["gt"],
        example_props=example["props"],
        example_sampled={m: example[f"s_{m}"] for m in METHODS},
        example_iou=example["iou"],
    )


def sampling_study(
    scene: SceneParams, sampler: SamplerParams, progress: Callable[[float], None] | None = None
) -> SamplingStudy:
    """Assign (negatives: max IoU < 0.5) and sample every image with the four methods; seeded and reproducible.

    Raises:
        InputError: parameters out of range (see ``SceneParams`` / ``SamplerParams``).
    """
    return _study(scene, sampler, _prepare_all(scene, sampler, progress, 1.0))


@dataclass(frozen=True)
class KAblation:
    """Share of sampled negatives with IoU > 0.05 for K = 2, 3, 5, next to the paper's AP for each K."""

    ks: tuple[int, ...]
    paper_share: tuple[float, ...]
    mmdet_share: tuple[float, ...]
    paper_ap: tuple[float, ...]

    def columns(self) -> dict[str, list]:
        return {
            "K": list(self.ks),
            "paper_sampler_share_gt_0.05": list(self.paper_share),
            "mmdet_sampler_share_gt_0.05": list(self.mmdet_share),
            "paper_AP": list(self.paper_ap),
        }


def _share(values: list[np.ndarray], thr: float = SHARE_THR) -> float:
    x = np.concatenate(values)
    return float((x > thr).mean()) if x.size else 0.0


def _ablation(images: list[_Image], sampler: SamplerParams, ks: tuple[int, ...], known: SamplingStudy | None,
              progress: Callable[[float], None] | None, start: float) -> KAblation:  # fmt: skip
    ps, ms = [], []
    for i, k in enumerate(ks):
        SamplerParams(**{**sampler.__dict__, "num_bins": k}).validate()
        if known is not None and k == known.sampler.num_bins:  # the study itself: the same draws
            ps.append(known.share_above("paper"))
            ms.append(known.share_above("mmdet"))
        else:
            drawn = [(im.mo.numpy(), _balanced(im, sampler, k)) for im in images]
            ps.append(_share([mo[p.numpy()] for mo, (p, _) in drawn]))
            ms.append(_share([mo[m.numpy()] for mo, (_, m) in drawn]))
        if progress is not None:
            progress(start + (1 - start) * (i + 1) / len(ks))
    return KAblation(tuple(ks), tuple(ps), tuple(ms), tuple(PAPER_K_AP.get(k, float("nan")) for k in ks))


def k_ablation(
    scene: SceneParams,
    sampler: SamplerParams,
    ks: tuple[int, ...] = (2, 3, 5),
    progress: Callable[[float], None] | None = None,
) -> KAblation:
    """The paper's bin-count ablation on the same scenes: rerun both IoU-balanced samplers for each K (the scenes,
    the assignment and the K-independent samplers are computed once)."""
    images = _prepare_all(scene, sampler, progress, 0.5)
    return _ablation(images, sampler, ks, None, progress, 0.5)


def study_and_ablation(
    scene: SceneParams,
    sampler: SamplerParams,
    ks: tuple[int, ...] = (2, 3, 5),
    progress: Callable[[float], None] | None = None,
) -> tuple[SamplingStudy, KAblation]:
    """``sampling_study(scene, sampler)`` and ``k_ablation(scene, sampler, ks)`` from one pass over the images:
    the same results as the two calls, at the cost of about one."""
    images = _prepare_all(scene, sampler, progress, 0.5)
    study = _study(scene, sampler, images)
    return study, _ablation(images, sampler, ks, study, progress, 0.5)


# --------------------------------------------------------------------------------------------------------- pyramid


def blob_pyramid(
    *, base: int = 64, blobs_per_level: int = 3, channels: int = 8, noise: float = 0.05, seed: int = 0
) -> list[torch.Tensor]:
    """Synthetic FPN levels P2–P6, ``(1, channels, base / 2^l, base / 2^l)``: each level holds its own Gaussian blobs
    (σ = 1 cell of that level, so a P6 blob covers 16× the image area of a P2 blob — objects of several sizes, each
    living at the level FPN would give it), with a random positive channel signature, plus Gaussian noise."""
    if base not in (32, 64, 128):
        raise InputError("base", value=base)
    if not isinstance(blobs_per_level, int) or not 0 <= blobs_per_level <= 16:
        raise InputError("count", name="blobs", value=blobs_per_level, lo=0, hi=16)
    if not (np.isfinite(noise) and 0 <= noise <= 1):
        raise InputError("fraction")
    g = torch.Generator().manual_seed(int(seed))
    feats = []
    for lvl in range(len(LEVELS)):
        n = base >> lvl
        yy, xx = torch.meshgrid(torch.arange(n) + 0.5, torch.arange(n) + 0.5, indexing="ij")
        f = noise * torch.randn(1, channels, n, n, generator=g)
        for _ in range(blobs_per_level):
            c = torch.rand(2, generator=g) * n
            amp = 0.5 + 0.5 * torch.rand(channels, generator=g)
            blob = torch.exp(-((xx - c[0]) ** 2 + (yy - c[1]) ** 2) / 2.0)
            f = f + amp[None, :, None, None] * blob[None, None]
        feats.append(f)
    return feats


def picture_pyramid(data: bytes, *, base: int = 64) -> list[torch.Tensor]:
    """An uploaded picture as a 5-level pyramid: centre-cropped to a square, RGB, levels P2–P6 at ``base / 2^l`` px
    by box (area) downsampling, values in [0, 1]. Nothing is written anywhere.

    Raises:
        InputError: empty, larger than ``MAX_UPLOAD_BYTES`` or ``MAX_UPLOAD_PIXELS``, or not a readable image.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    if base not in (32, 64, 128):
        raise InputError("base", value=base)
    if not data:
        raise InputError("image_empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError("image_bytes", size=len(data) / 1e6, limit=MAX_UPLOAD_BYTES / 1e6)
    try:
        with Image.open(io.BytesIO(data)) as im:
            w, h = im.size
            if w * h > MAX_UPLOAD_PIXELS:
                raise InputError("image_pixels", w=w, h=h, limit=MAX_UPLOAD_PIXELS / 1e6)
            im.draft("RGB", (base * 4, base * 4))  # JPEG: decode at a reduced scale
            rgb = ImageOps.fit(im.convert("RGB"), (base, base), method=Image.Resampling.BOX)
    except InputError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError) as err:
        raise InputError("image_unreadable", reason=type(err).__name__) from None
    x = torch.from_numpy(np.asarray(rgb, dtype=np.float32) / 255.0).permute(2, 0, 1)[None]
    feats = [x]
    for _ in range(len(LEVELS) - 1):
        feats.append(torch.nn.functional.avg_pool2d(feats[-1], 2))
    return feats


@dataclass
class PyramidView:
    """One BFP pass as numpy maps (channel mean of each ``(C, H, W)``), levels finest first.

    ``contribution[i, j]``: share of level ``i``'s residual that comes from level ``j`` (single-source ablation: the
    pass rerun with every level but ``j`` set to zero, mean |residual| of each rerun, normalised over ``j``);
    ``received[i]``: mean |residual_i| / mean |input_i|; ``attention``: the non-local attention of the query cell over
    the refine-level map (None unless refine is non-local)."""

    refine: str
    refine_level: int
    inputs: list[np.ndarray]
    gathered: list[np.ndarray]
    bsf: np.ndarray
    refined: np.ndarray
    residuals: list[np.ndarray]
    outputs: list[np.ndarray]
    contribution: np.ndarray
    received: np.ndarray
    attention: np.ndarray | None
    query: tuple[int, int]
    max_change: float

    def contribution_columns(self) -> dict[str, list]:
        cols: dict[str, list] = {"to_level": list(LEVELS[: len(self.inputs)])}
        for j, name in enumerate(LEVELS[: len(self.inputs)]):
            cols[f"from_{name}"] = [float(v) for v in self.contribution[:, j]]
        cols["residual_over_input"] = [float(v) for v in self.received]
        return cols

    def maps_json(self) -> dict:
        def lst(ms):
            return [np.round(m, 5).tolist() for m in ms]

        return {
            "levels": list(LEVELS[: len(self.inputs)]),
            "refine": self.refine,
            "refine_level": LEVELS[self.refine_level],
            "inputs": lst(self.inputs),
            "gathered": lst(self.gathered),
            "bsf": np.round(self.bsf, 5).tolist(),
            "refined": np.round(self.refined, 5).tolist(),
            "residuals": lst(self.residuals),
            "outputs": lst(self.outputs),
        }


def _mean_map(t: torch.Tensor) -> np.ndarray:
    return t[0].mean(0).detach().numpy().astype(np.float64)


def pyramid_view(
    feats: list[torch.Tensor],
    *,
    refine: str = "non_local",
    refine_level: int = 2,
    zero_init_out: bool = False,
    residual: bool = True,
    weight_seed: int = 0,
    query: tuple[float, float] = (0.5, 0.5),
    weight_std: float = 4.0,
    out_std: float = 0.05,
) -> PyramidView:
    """Run the core BFP (random, seeded refine weights) and the single-source ablations; numpy maps out.

    ``weight_std`` is the normal-init std of the non-local θ, φ, g (mmcv uses 0.01, which makes the attention almost
    uniform; a larger one shows what a *selective* attention does) and ``out_std`` that of its output convolution
    when it is not zero-initialised (small, so the refined map stays comparable to the average). ``query`` is the
    attention's query cell as fractions of the refine-level width and height.
    """
    if refine not in losses.REFINE_TYPES:
        raise InputError("refine", value=refine)
    if not 0 <= refine_level < len(feats):
        raise InputError("count", name="refine_level", value=refine_level, lo=0, hi=len(feats) - 1)
    g = torch.Generator().manual_seed(int(weight_seed))
    channels = feats[0].shape[1]
    module = losses.make_refine(
        refine, channels, generator=g, zero_init_out=zero_init_out, std=weight_std, out_std=out_std
    )
    with torch.no_grad():
        steps = losses.balanced_feature_pyramid(feats, refine_level=refine_level, refine=module, residual=residual)
        per_source = []
        for j in range(len(feats)):
            only = [f if i == j else torch.zeros_like(f) for i, f in enumerate(feats)]
            s = losses.balanced_feature_pyramid(only, refine_level=refine_level, refine=module, residual=True)
            per_source.append([float(r.abs().mean()) for r in s.residuals])
    m = np.array(per_source).T  # [to_level, from_level]
    totals = m.sum(1, keepdims=True)
    contribution = np.divide(m, totals, out=np.zeros_like(m), where=totals > 0)
    received = np.array(
        [float(r.abs().mean()) / max(float(x.abs().mean()), 1e-12) for r, x in zip(steps.residuals, feats, strict=True)]
    )
    hr, wr = steps.bsf.shape[2:]
    qy = min(hr - 1, max(0, int(query[1] * hr)))
    qx = min(wr - 1, max(0, int(query[0] * wr)))
    attention = None
    if steps.attention is not None:
        attention = steps.attention[0, qy * wr + qx].reshape(hr, wr).double().numpy()
    max_change = max(float((o - x).abs().max()) for o, x in zip(steps.outputs, feats, strict=True))
    return PyramidView(
        refine=refine,
        refine_level=refine_level,
        inputs=[_mean_map(x) for x in steps.inputs],
        gathered=[_mean_map(x) for x in steps.gathered],
        bsf=_mean_map(steps.bsf),
        refined=_mean_map(steps.refined),
        residuals=[_mean_map(x) for x in steps.residuals],
        outputs=[_mean_map(x) for x in steps.outputs],
        contribution=contribution,
        received=received,
        attention=attention,
        query=(qx, qy),
        max_change=max_change,
    )
