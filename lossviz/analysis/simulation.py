"""Analysis for the Simulation page and ``python -m lossviz simulate``: the DIoU paper's regression simulation.

Runs (:func:`run`) call the torch core (``lossviz.losses.simulation``) and return numpy: the error-sum curves
E(t) per loss, the per-centre total final error (the paper's final-error map), a summary table, single-box
trajectories, JSON save/load with validation, and a memory estimate that refuses a run too large before it starts.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from lossviz.losses import simulation as S

#: The paper's protocol: 5,000 centres, 200 steps.
PAPER_POINTS = 5000
PAPER_ITERS = 200
MAX_POINTS = 100_000  # 34.3 M cases: beyond this nobody means it
MAX_ITERS = 10_000
MAX_RATE = 10.0
GRADIENTS = ("autograd", "paper")
DEVICES = ("cpu", "cuda")
CASES_PER_CENTRE = S.CASES_PER_CENTRE
PAPER_LOSSES = S.PAPER_LOSSES
AUTOGRAD_LOSSES = S.AUTOGRAD_LOSSES
#: Steps whose E(t) the summary table shows (clipped to the run's length).
SUMMARY_STEPS = (1, 160, 200)
#: What the memory check may use of the memory available now.
MEMORY_SHARE = 0.7
JSON_VERSION = 1
MAX_JSON_BYTES = 50_000_000


class SimulationError(ValueError):
    """A run that cannot be done as asked (bad counts, too large, bad file); the message says why."""


@dataclass(frozen=True)
class Config:
    """One simulation run: protocol size, losses, gradient mode and schedule. Hashable (a cache key)."""

    points: int = PAPER_POINTS
    iters: int = PAPER_ITERS
    losses: tuple[str, ...] = PAPER_LOSSES
    gradients: str = "autograd"
    seed: int = 0
    rates: tuple[float, ...] = S.PAPER_SCHEDULE.rates
    until: tuple[int, ...] = S.PAPER_SCHEDULE.until
    iou_factor: bool = True
    device: str = "cpu"
    dtype: str = "float32"

    @property
    def cases(self) -> int:
        return self.points * CASES_PER_CENTRE

    @property
    def schedule(self) -> S.Schedule:
        return S.Schedule(rates=tuple(self.rates), until=tuple(self.until))


def _whole(name: str, value: object, lo: int, hi: int) -> int:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SimulationError(f"{name} must be a whole number, got {value!r}") from None
    if not math.isfinite(v) or v != int(v):
        raise SimulationError(f"{name} must be a whole number, got {value!r}")
    if not lo <= v <= hi:
        raise SimulationError(f"{name} must be between {lo:,} and {hi:,}, got {int(v):,}")
    return int(v)


def validate(cfg: Config) -> Config:
    """Check every field of ``cfg``; returns it normalised. Raises :class:`SimulationError` with a clear message."""
    points = _whole("points", cfg.points, 1, MAX_POINTS)
    iters = _whole("iters", cfg.iters, 1, MAX_ITERS)
    seed = _whole("seed", cfg.seed, 0, 2**31 - 1)
    if cfg.gradients not in GRADIENTS:
        raise SimulationError(f"gradients must be one of {', '.join(GRADIENTS)}, got {cfg.gradients!r}")
    allowed = PAPER_LOSSES if cfg.gradients == "paper" else AUTOGRAD_LOSSES
    names = tuple(cfg.losses)
    if not names:
        raise SimulationError("choose at least one loss")
    bad = [n for n in names if n not in allowed]
    if bad:
        raise SimulationError(
            f"unknown loss {', '.join(map(repr, bad))} for {cfg.gradients} gradients; choose from {', '.join(allowed)}"
        )
    if len(set(names)) != len(names):
        raise SimulationError("a loss is listed twice")
    rates = tuple(cfg.rates)
    until = tuple(cfg.until)
    for r in rates:
        try:
            rf = float(r)
        except (TypeError, ValueError):
            raise SimulationError(f"learning rate must be a number, got {r!r}") from None
        if not math.isfinite(rf) or not 0 < rf <= MAX_RATE:
            raise SimulationError(f"learning rate η must be in (0, {MAX_RATE:g}], got {r!r}")
    if len(rates) != len(until) or not rates:
        raise SimulationError("the schedule needs one step bound per learning rate")
    until = tuple(_whole("schedule step", u, 1, MAX_ITERS) for u in until)
    if list(until) != sorted(set(until)):
        raise SimulationError(f"schedule step bounds must increase, got {until}")
    if cfg.device not in DEVICES:
        raise SimulationError(f"device must be cpu or cuda, got {cfg.device!r}")
    if cfg.device == "cuda" and not torch.cuda.is_available():
        raise SimulationError("device cuda asked for, but no CUDA GPU is available here; use --device cpu")
    if cfg.dtype not in ("float32", "float64"):
        raise SimulationError(f"dtype must be float32 or float64, got {cfg.dtype!r}")
    return Config(
        points=points,
        iters=iters,
        losses=names,
        gradients=cfg.gradients,
        seed=seed,
        rates=tuple(float(r) for r in rates),
        until=until,
        iou_factor=bool(cfg.iou_factor),
        device=cfg.device,
        dtype=cfg.dtype,
    )


# ------------------------------------------------------------------------------------------------------ memory

#: Values held per case for the whole run: anchors and targets (4 + 4, built in float64), boxes after the run (4),
#: final error (1) and its float64 copy (1).
_PERSISTENT_PER_CASE_F64 = 8
_PERSISTENT_PER_CASE = 6
#: Temporaries per case while a chunk steps (measured peak ≈ 60 float tensors for autograd CIoU, 40 for paper).
_WORKING_PER_CASE = 80
CHUNK = 262_144


def estimate_bytes(cfg: Config) -> int:
    """Peak memory of :func:`run` for ``cfg``, in bytes (an upper estimate from the tensors it holds)."""
    item = 4 if cfg.dtype == "float32" else 8
    n = cfg.points * CASES_PER_CENTRE
    chunk = min(n, CHUNK)
    return int(n * (_PERSISTENT_PER_CASE_F64 * 8 + _PERSISTENT_PER_CASE * item) + chunk * _WORKING_PER_CASE * item)


def available_bytes(device: str = "cpu") -> int:
    """Memory available now: free GPU memory for ``cuda``; for ``cpu`` the kernel's MemAvailable."""
    if device == "cuda" and torch.cuda.is_available():
        free, _total = torch.cuda.mem_get_info()
        return int(free)
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES"))


def check_memory(cfg: Config, available: int | None = None) -> int:
    """Refuse (``SimulationError``) a run whose estimate exceeds :data:`MEMORY_SHARE` of the available memory.

    Returns the estimate in bytes.
    """
    need = estimate_bytes(cfg)
    have = available_bytes(cfg.device) if available is None else int(available)
    if need > MEMORY_SHARE * have:
        raise SimulationError(
            f"this run needs about {need / 2**20:,.0f} MiB ({cfg.cases:,} cases) but only "
            f"{have / 2**20:,.0f} MiB is available; choose fewer points"
        )
    return need


# ------------------------------------------------------------------------------------------------------ runs


@dataclass
class SimulationRun:
    """A finished run: E(t) and the per-centre final error for each loss, as numpy.

    Attributes:
        config: what ran.
        error: loss → ``ndarray[iters]``, E after step 1..iters (sum over cases of |Δx|+|Δy|+|Δw|+|Δh|).
        centre_error: loss → ``ndarray[points]``, each centre's total final error over its 343 cases.
        centres: ``ndarray[points, 2]`` the anchor centres.
        seconds: wall time of the simulation itself.
    """

    config: Config
    error: dict[str, np.ndarray]
    centre_error: dict[str, np.ndarray]
    centres: np.ndarray
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def cases(self) -> int:
        return self.config.cases


def protocol(cfg: Config) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The run's ``(centres, anchors, targets)``: centres ``(P, 2)`` float64; boxes ``(N, 4)`` xywh float64."""
    centres = S.disc_centres(cfg.points, seed=cfg.seed)
    anchors, targets = S.protocol_boxes(centres)
    return centres, anchors, targets


def run(cfg: Config, progress: Callable[[float, str], None] | None = None) -> SimulationRun:
    """Run ``cfg`` (validated and memory-checked first) for every loss in ``cfg.losses``.

    ``progress(fraction, loss)`` is called as the run advances. Raises :class:`SimulationError`.
    """
    cfg = validate(cfg)
    check_memory(cfg)
    dtype = torch.float32 if cfg.dtype == "float32" else torch.float64
    centres, anchors, targets = protocol(cfg)
    anchors = anchors.to(cfg.device, dtype)
    targets = targets.to(cfg.device, dtype)
    error, centre_error = {}, {}
    start = time.perf_counter()
    for i, name in enumerate(cfg.losses):

        def tick(f: float, i: int = i, name: str = name) -> None:
            if progress is not None:
                progress((i + f) / len(cfg.losses), name)

        res = S.simulate_boxes(
            anchors,
            targets,
            name,
            gradients=cfg.gradients,
            iters=cfg.iters,
            schedule=cfg.schedule,
            iou_factor=cfg.iou_factor,
            chunk_size=CHUNK,
            progress=tick,
        )
        error[name] = res.error.cpu().numpy()
        centre_error[name] = res.final_error.double().reshape(cfg.points, CASES_PER_CENTRE).sum(-1).cpu().numpy()
    if cfg.device == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    return SimulationRun(cfg, error, centre_error, centres.numpy(), seconds)


@dataclass(frozen=True)
class SummaryRow:
    loss: str
    steps: tuple[int, ...]
    errors: tuple[float, ...]
    area: float  # Σ_t E(t): the official code's "total error" (sum over steps and cases)


def summary(result: SimulationRun) -> list[SummaryRow]:
    """One row per loss: E at steps 1, 160, 200 (those within the run) and the area Σ_t E(t)."""
    steps = tuple(s for s in SUMMARY_STEPS if s <= result.config.iters) or (result.config.iters,)
    if result.config.iters not in steps:
        steps = (*steps, result.config.iters)
    return [
        SummaryRow(name, steps, tuple(float(e[s - 1]) for s in steps), float(np.sum(e)))
        for name, e in result.error.items()
    ]


# ------------------------------------------------------------------------------------------------------ trajectories


Box = tuple[float, float, float, float]


def case_boxes(centre: tuple[float, float], target_aspect: int, scale: int, anchor_aspect: int) -> tuple[Box, Box]:
    """The protocol's anchor and target ``(x, y, w, h)`` for one case (indices into ASPECTS / SCALES)."""
    for name, i, n in (("target aspect", target_aspect, 7), ("scale", scale, 7), ("anchor aspect", anchor_aspect, 7)):
        if not 0 <= int(i) < n:
            raise SimulationError(f"{name} index must be in 0..{n - 1}, got {i}")
    tw, th = S.ASPECTS[target_aspect]
    side = math.sqrt(S.SCALES[scale])
    aw, ah = S.ASPECTS[anchor_aspect]
    return (float(centre[0]), float(centre[1]), aw * side, ah * side), (10.0, 10.0, tw, th)


def parse_pair(text: str) -> tuple[Box, Box]:
    """``"x1,y1,x2,y2;x1,y1,x2,y2"`` (prediction; target, xyxy) → two ``(x, y, w, h)`` boxes.

    Raises :class:`SimulationError` for anything else (wrong count, not numbers, inverted or empty boxes).
    """
    parts = str(text).split(";")
    if len(parts) != 2:
        raise SimulationError("a pair is 'x1,y1,x2,y2;x1,y1,x2,y2' (prediction; target)")
    boxes = []
    for part, name in zip(parts, ("prediction", "target"), strict=True):
        try:
            v = [float(s) for s in part.split(",")]
        except ValueError:
            raise SimulationError(f"the {name} box must be four numbers, got {part!r}") from None
        if len(v) != 4 or not all(math.isfinite(x) and abs(x) <= 1e6 for x in v):
            raise SimulationError(f"the {name} box must be four finite numbers, got {part!r}")
        x1, y1, x2, y2 = v
        if not (x2 > x1 and y2 > y1):
            raise SimulationError(f"the {name} box needs x2 > x1 and y2 > y1, got {part!r}")
        boxes.append(((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1))
    return boxes[0], boxes[1]


def normalise_pair(anchor: Box, target: Box) -> tuple[Box, Box, float]:
    """Move and scale a pair so the target is centred at (10, 10) with area 1, as in the protocol (the step sizes
    η are meant for that scale). Returns ``(anchor, target, factor)``, lengths multiplied by ``factor``."""
    k = 1.0 / math.sqrt(target[2] * target[3])
    ax, ay, aw, ah = anchor
    tx, ty, tw, th = target
    return (10 + (ax - tx) * k, 10 + (ay - ty) * k, aw * k, ah * k), (10.0, 10.0, tw * k, th * k), k


def trajectories(
    anchor: Box,
    target: Box,
    losses: Sequence[str],
    *,
    gradients: Sequence[str] = GRADIENTS,
    iters: int = PAPER_ITERS,
    rates: tuple[float, ...] = S.PAPER_SCHEDULE.rates,
    until: tuple[int, ...] = S.PAPER_SCHEDULE.until,
    iou_factor: bool = True,
) -> dict[tuple[str, str], np.ndarray]:
    """Every step's box ``(x, y, w, h)`` of one anchor regressed onto one target: ``(loss, mode) → ndarray[iters+1,
    4]`` (float64), for each loss × gradient mode that exists (paper gradients only for IoU/GIoU/DIoU/CIoU)."""
    sched = S.Schedule(rates=tuple(rates), until=tuple(until))
    a = torch.tensor([anchor], dtype=torch.float64)
    t = torch.tensor([target], dtype=torch.float64)
    out = {}
    for mode in gradients:
        for name in losses:
            if mode == "paper" and name not in PAPER_LOSSES:
                continue
            res = S.simulate_boxes(
                a, t, name, gradients=mode, iters=iters, schedule=sched, iou_factor=iou_factor, record_path=True
            )
            out[(name, mode)] = res.path[:, 0, :].numpy()
    return out


# ------------------------------------------------------------------------------------------------------ JSON


def to_json(result: SimulationRun) -> str:
    """The run as JSON: ``cases``, ``gradients``, ``iters``, ``losses.<name>.error`` (E after steps 1..iters),
    ``losses.<name>.centre_error``, ``seconds``, and the config and centres needed to redraw every view."""
    cfg = result.config
    doc = {
        "version": JSON_VERSION,
        "cases": cfg.cases,
        "gradients": cfg.gradients,
        "iters": cfg.iters,
        "points": cfg.points,
        "seed": cfg.seed,
        "schedule": {"rates": list(cfg.rates), "until": list(cfg.until)},
        "iou_factor": cfg.iou_factor,
        "device": cfg.device,
        "dtype": cfg.dtype,
        "seconds": round(result.seconds, 3),
        "losses": {
            name: {
                "error": [float(x) for x in result.error[name]],
                "centre_error": [round(float(x), 6) for x in result.centre_error[name]],
            }
            for name in cfg.losses
        },
        "centres": [[round(float(x), 6), round(float(y), 6)] for x, y in result.centres],
    }
    doc.update(result.extra)
    return json.dumps(doc)


def _floats(name: str, value: object, length: int) -> np.ndarray:
    if not isinstance(value, list) or len(value) != length:
        raise SimulationError(f"saved run: {name} must be a list of {length} numbers")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise SimulationError(f"saved run: {name} must hold only numbers") from None
    if arr.ndim != 1 or not np.isfinite(arr).all() or (arr < 0).any():
        raise SimulationError(f"saved run: {name} must hold finite numbers >= 0")
    return arr


def from_json(data: str | bytes) -> SimulationRun:
    """Load a run saved by :func:`to_json` (or the CLI's ``--json``), checking every field.

    Raises :class:`SimulationError` naming the first problem for anything malformed.
    """
    if len(data) > MAX_JSON_BYTES:
        raise SimulationError(f"saved run: file larger than {MAX_JSON_BYTES // 1_000_000} MB")
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SimulationError(f"saved run: not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise SimulationError("saved run: the top level must be a JSON object")
    for key in ("cases", "gradients", "iters", "losses", "points"):
        if key not in doc:
            raise SimulationError(f"saved run: missing field {key!r}")
    losses = doc["losses"]
    if not isinstance(losses, dict) or not losses:
        raise SimulationError("saved run: 'losses' must be an object with at least one loss")
    sched = doc.get("schedule") or {}
    if not isinstance(sched, dict):
        raise SimulationError("saved run: 'schedule' must be an object")
    cfg = validate(
        Config(
            points=doc["points"],
            iters=doc["iters"],
            losses=tuple(losses),
            gradients=doc["gradients"],
            seed=doc.get("seed", 0),
            rates=tuple(sched.get("rates", S.PAPER_SCHEDULE.rates)),
            until=tuple(sched.get("until", S.PAPER_SCHEDULE.until)),
            iou_factor=bool(doc.get("iou_factor", True)),
            device="cpu",
            dtype=doc.get("dtype", "float32") if doc.get("dtype") in ("float32", "float64") else "float32",
        )
    )
    if doc["cases"] != cfg.cases:
        raise SimulationError(f"saved run: cases {doc['cases']!r} does not match points × 343 = {cfg.cases:,}")
    error, centre_error = {}, {}
    for name, entry in losses.items():
        if not isinstance(entry, dict):
            raise SimulationError(f"saved run: losses.{name} must be an object")
        error[name] = _floats(f"losses.{name}.error", entry.get("error"), cfg.iters)
        ce = entry.get("centre_error")
        centre_error[name] = (
            _floats(f"losses.{name}.centre_error", ce, cfg.points) if ce is not None else np.full(cfg.points, np.nan)
        )
    if "centres" in doc:
        centres = doc["centres"]
        if not isinstance(centres, list) or len(centres) != cfg.points:
            raise SimulationError(f"saved run: centres must be a list of {cfg.points} [x, y] pairs")
        try:
            arr = np.asarray(centres, dtype=float)
        except (TypeError, ValueError):
            raise SimulationError("saved run: centres must hold [x, y] number pairs") from None
        if arr.shape != (cfg.points, 2) or not np.isfinite(arr).all():
            raise SimulationError(f"saved run: centres must be a list of {cfg.points} [x, y] pairs")
    else:
        arr = protocol(cfg)[0].numpy()  # the same seed gives the same centres
    seconds = doc.get("seconds", 0.0)
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not math.isfinite(seconds):
        raise SimulationError("saved run: seconds must be a number")
    return SimulationRun(cfg, error, centre_error, arr, float(seconds))
