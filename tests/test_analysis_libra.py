"""``lossviz.analysis.libra``: the synthetic scenes, the sampling study (the paper's Fig. 3 claims on the default
scene), the K ablation, the pyramids built from blobs or a picture, and the BFP view's contribution shares."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from lossviz import losses
from lossviz.analysis import libra as A
from lossviz.i18n import t


def _says(err: A.InputError) -> None:
    """The refusal reads as a sentence in both languages (its parameters fill the translation)."""
    for lang in ("en", "zh"):
        assert "{" not in t(f"libra.err.{err.code}", lang=lang, **err.params)


@pytest.fixture(scope="module")
def study() -> A.SamplingStudy:
    return A.sampling_study(A.SceneParams(), A.SamplerParams())


# ----------------------------------------------------------------------------------------------------- scenes


def test_scenes_are_reproducible_per_seed_and_image():
    p = A.SceneParams(seed=3)
    gt1, pr1 = A.make_scene(p, 2)
    gt2, pr2 = A.make_scene(p, 2)
    assert torch.equal(gt1, gt2) and torch.equal(pr1, pr2)
    assert not torch.equal(A.make_scene(p, 1)[1], pr1)
    assert not torch.equal(A.make_scene(A.SceneParams(seed=4), 2)[1], pr1)


def test_scene_boxes_are_inside_the_image_and_at_least_a_pixel_wide():
    gt, props = A.make_scene(A.SceneParams(size_min=1, size_max=3, jitter=2.0), 0)
    for b in (gt, props):
        assert bool((b >= 0).all()) and bool((b <= A.IMAGE_SIZE).all())
        assert bool((b[:, 2] - b[:, 0] >= 1 - 1e-4).all()) and bool((b[:, 3] - b[:, 1] >= 1 - 1e-4).all())
    assert props.shape == (2000, 4) and gt.shape == (6, 4)


def test_crowding_packs_the_ground_truths_closer_together():
    def spread(crowding):
        gt, _ = A.make_scene(A.SceneParams(gts=40, crowding=crowding), 0)
        centres = (gt[:, :2] + gt[:, 2:]) / 2
        return float(centres.std(0).mean())

    assert spread(1.0) < 0.5 * spread(0.0)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"size_min": 0.0}, "zero_size"),
        ({"size_min": 50.0, "size_max": 20.0}, "size_order"),
        ({"size_max": 600.0}, "size_too_big"),
        ({"images": 0}, "count"),
        ({"images": 64, "proposals": 10_000}, "too_many"),
        ({"gts": 10**9}, "count"),
        ({"jitter": float("nan")}, "not_finite"),
        ({"crowding": 2.0}, "fraction"),
    ],
)
def test_absurd_scene_parameters_are_refused_by_name(kwargs, code):
    with pytest.raises(A.InputError) as err:
        A.sampling_study(A.SceneParams(**kwargs), A.SamplerParams())
    assert err.value.code == code
    _says(err.value)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"num_neg": 0}, "count"), ({"floor_thr": 0.7}, "floor_thr"), ({"floor_fraction": -0.1}, "fraction"),
     ({"hard_mode": "top"}, "hard_mode"), ({"num_bins": 0}, "count")],
)  # fmt: skip
def test_absurd_sampler_parameters_are_refused_by_name(kwargs, code):
    with pytest.raises(A.InputError) as err:
        A.sampling_study(A.SceneParams(images=1), A.SamplerParams(**kwargs))
    assert err.value.code == code
    _says(err.value)


# ---------------------------------------------------------------------------------------------- Fig. 3 claims


def test_random_sampling_follows_the_pool_about_70_percent_below_0_05(study):
    # the paper: random sampling gives only about 30 % of negatives above IoU 0.05
    assert abs(study.share_above("random") - study.share_above()) < 0.03
    assert 0.25 <= study.share_above("random") <= 0.35


def test_hard_negatives_are_mostly_above_0_05(study):
    # the paper: more than 60 % of hard negatives have IoU > 0.05
    assert study.share_above("hard") > 0.60


def test_iou_balanced_sampling_moves_the_sample_towards_hard_negatives(study):
    assert study.share_above("paper") > study.share_above("random") + 0.2
    assert study.share_above("mmdet") > study.share_above("random")


def test_the_study_is_seeded_and_reproducible(study):
    again = A.sampling_study(A.SceneParams(), A.SamplerParams())
    for m in A.METHODS:
        np.testing.assert_array_equal(study.ious[m], again.ious[m])


def test_every_method_samples_only_negatives(study):
    for m in A.METHODS:
        assert study.ious[m].size > 0 and float(study.ious[m].max()) < 0.5


def test_histograms_are_percentages_of_the_sample(study):
    for m in (None, *A.METHODS):
        assert study.histogram(m).sum() == pytest.approx(100.0)


def test_mmdet_top_bin_is_empty_when_ground_truths_are_proposals(study):
    np.testing.assert_allclose(study.mmdet_edges, [0, 1 / 3, 2 / 3, 1])
    assert study.mmdet_bins["pool"][2] == 0 and study.mmdet_bins["sampled"][2] == 0
    assert not study.mmdet_edges_vary


def test_without_ground_truths_the_mmdet_edges_follow_each_image():
    s = A.sampling_study(A.SceneParams(images=3), A.SamplerParams(add_gt_as_proposals=False))
    assert s.mmdet_edges[-1] < 1.0
    assert s.mmdet_edges_vary


def test_paper_bins_take_n_over_k_or_the_whole_bin(study):
    per_image = study.sampler.num_neg // study.sampler.num_bins
    cap = per_image * study.scene.images
    for pool, sampled in zip(study.paper_bins["pool"], study.paper_bins["sampled"], strict=True):
        assert sampled <= min(pool, cap)


def test_hard_mode_iou_takes_the_highest_iou_negatives():
    s = A.sampling_study(A.SceneParams(images=1), A.SamplerParams(hard_mode="iou", num_neg=50))
    assert s.ious["hard"].min() >= np.sort(s.pool)[-50]


def test_k_ablation_reports_the_papers_ap_for_2_3_5():
    ab = A.k_ablation(A.SceneParams(images=2), A.SamplerParams())
    assert ab.ks == (2, 3, 5) and ab.paper_ap == (36.7, 36.8, 36.7)
    assert all(0 <= v <= 1 for v in ab.paper_share + ab.mmdet_share)


@pytest.mark.parametrize(
    ("scene", "sampler"),
    [
        (
            A.SceneParams(images=3, crowding=0.55, seed=3),
            A.SamplerParams(num_bins=5, floor_thr=0.0, floor_fraction=0.3),
        ),
        (A.SceneParams(images=2, gts=2, proposals=300), A.SamplerParams(num_neg=50, hard_mode="iou", floor_thr=0.1)),
    ],
)
def test_one_pass_study_and_ablation_equal_the_two_separate_calls(scene, sampler):
    """The page's one-pass computation (scenes, assignment and the K-independent samplers shared) gives exactly
    what the two public calls give, every sampled IoU and every share."""
    study, ablation = A.study_and_ablation(scene, sampler)
    alone = A.sampling_study(scene, sampler)
    for m in A.METHODS:
        np.testing.assert_array_equal(study.ious[m], alone.ious[m])
        np.testing.assert_array_equal(study.example_sampled[m], alone.example_sampled[m])
    np.testing.assert_array_equal(study.pool, alone.pool)
    for which in ("pool", "sampled"):
        np.testing.assert_array_equal(study.mmdet_bins[which], alone.mmdet_bins[which])
        np.testing.assert_array_equal(study.paper_bins[which], alone.paper_bins[which])
    assert ablation == A.k_ablation(scene, sampler)
    for i, k in enumerate(ablation.ks):  # each K's shares are those of a whole study run with that K
        other = A.sampling_study(scene, A.SamplerParams(**{**sampler.__dict__, "num_bins": k}))
        assert ablation.paper_share[i] == other.share_above("paper")
        assert ablation.mmdet_share[i] == other.share_above("mmdet")


# ---------------------------------------------------------------------------------------------------- pyramids


def test_blob_pyramid_has_five_halving_levels():
    feats = A.blob_pyramid(base=64, channels=8)
    assert [f.shape for f in feats] == [(1, 8, 64 >> i, 64 >> i) for i in range(5)]


def _png(w: int, h: int, mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (w, h), color=0).save(buf, format="PNG")
    return buf.getvalue()


def test_a_picture_becomes_a_five_level_pyramid_in_zero_one():
    feats = A.picture_pyramid(_png(300, 200), base=64)
    assert [f.shape for f in feats] == [(1, 3, 64 >> i, 64 >> i) for i in range(5)]
    assert all(float(f.min()) >= 0 and float(f.max()) <= 1 for f in feats)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "image_empty"),
        (b"this is not a picture at all", "image_unreadable"),
        (_png(10, 10)[:40], "image_unreadable"),
        (b"\0" * (A.MAX_UPLOAD_BYTES + 1), "image_bytes"),
        (_png(8000, 6000, mode="1"), "image_pixels"),
    ],
    ids=["empty", "garbage", "truncated", "too-many-bytes", "too-many-pixels"],
)
def test_a_bad_upload_is_refused_with_a_reason(data, code):
    with pytest.raises(A.InputError) as err:
        A.picture_pyramid(data)
    assert err.value.code == code
    _says(err.value)


def test_contribution_rows_sum_to_one_and_a_silent_level_gives_nothing():
    feats = A.blob_pyramid(base=32, blobs_per_level=2, noise=0.0)
    feats[4] = torch.zeros_like(feats[4])
    v = A.pyramid_view(feats, refine="none")
    np.testing.assert_allclose(v.contribution.sum(1), 1.0)
    assert np.all(v.contribution[:, 4] == 0)
    assert np.all(v.contribution[:, :4] > 0)  # every level hears from every other non-silent level


def test_pyramid_view_maps_are_the_channel_means_of_the_core_steps():
    feats = A.blob_pyramid(base=32)
    v = A.pyramid_view(feats, refine="conv", weight_seed=1)
    module = losses.make_refine("conv", 8, generator=torch.Generator().manual_seed(1))
    s = losses.balanced_feature_pyramid(feats, refine=module)
    np.testing.assert_allclose(v.refined, s.refined[0].mean(0).detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(v.outputs[0], s.outputs[0][0].mean(0).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_non_local_attention_of_the_query_sums_to_one():
    v = A.pyramid_view(A.blob_pyramid(base=32), refine="non_local", query=(0.25, 0.75))
    assert v.attention is not None and v.attention.shape == (8, 8)
    assert v.attention.sum() == pytest.approx(1.0)
    assert v.query == (2, 6)


def test_zero_initialised_non_local_refines_nothing():
    v = A.pyramid_view(A.blob_pyramid(base=32), refine="non_local", zero_init_out=True)
    np.testing.assert_allclose(v.refined, v.bsf)


def test_residual_off_leaves_the_inputs_unchanged():
    v = A.pyramid_view(A.blob_pyramid(base=32), refine="conv", residual=False)
    assert v.max_change == 0.0
