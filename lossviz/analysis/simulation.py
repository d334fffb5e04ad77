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

from lossviz.losses import IOU_LOSS_SPECS
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
#: The page's default: 20 centres = 6,860 cases (about a second per loss and mode on a small CPU); the paper's
#: 5,000 centres are one click away.
DEFAULT_POINTS = 20
#: Above this many cases a run waits for the start button (a shared link alone never starts it).
LARGE_CASES = 200_000


#: English text of every refusal; ``sim.err.<code>`` in ``lossviz.i18n.simulation`` is the same in each language.
MESSAGES = {
    "whole": "{name} must be a whole number, got {value!r}",
    "range": "{name} must be between {lo:,} and {hi:,}, got {value:,}",
    "gradients": "gradients must be one of {options}, got {value!r}",
    "no_loss": "choose at least one loss",
    "unknown_loss": "unknown loss {names} for {gradients} gradients; choose from {options}",
    "twice": "a loss is listed twice",
    "rate_number": "learning rate must be a number, got {value!r}",
    "rate_range": "learning rate η must be in (0, {hi:g}], got {value!r}",
    "schedule_length": "the schedule needs one step bound per learning rate",
    "bounds_order": "schedule step bounds must increase, got {until}",
    "device": "device must be cpu or cuda, got {value!r}",
    "no_cuda": "device cuda asked for, but no CUDA GPU is available here; use --device cpu",
    "dtype": "dtype must be float32 or float64, got {value!r}",
    "memory": "this run needs about {need_mib:,.0f} MiB ({cases:,} cases) but only {have_mib:,.0f} MiB is available; "
    "choose fewer points",
    "case_index": "{name} index must be in 0..{hi}, got {value}",
    "pair_format": "a pair is 'x1,y1,x2,y2;x1,y1,x2,y2' (prediction; target)",
    "box_numbers": "the {box} box must be four numbers, got {text!r}",
    "box_finite": "the {box} box must be four finite numbers, got {text!r}",
    "box_order": "the {box} box needs x2 > x1 and y2 > y1, got {text!r}",
    "file_size": "saved run: file larger than {mb} MB",
    "file_json": "saved run: not valid JSON ({detail})",
    "file_object": "saved run: the top level must be a JSON object",
    "file_missing": "saved run: missing field {field!r}",
    "file_losses": "saved run: 'losses' must be an object with at least one loss",
    "file_schedule": "saved run: 'schedule' must be an object",
    "file_cases": "saved run: cases {value!r} does not match points × 343 = {cases:,}",
    "file_loss_object": "saved run: losses.{name} must be an object",
    "file_list": "saved run: {field} must be a list of {length} numbers",
    "file_numbers": "saved run: {field} must hold only numbers",
    "file_finite": "saved run: {field} must hold finite numbers >= 0",
    "file_centres": "saved run: centres must be a list of {points} [x, y] pairs",
    "file_centre_numbers": "saved run: centres must hold [x, y] number pairs",
    "file_seconds": "saved run: seconds must be a number",
}


class SimulationError(ValueError):
    """A run that cannot be done as asked (bad counts, too large, bad file).

    ``code`` names the problem (a key of :data:`MESSAGES`; the page shows ``sim.err.<code>`` in its language),
    ``params`` fill it; ``str(err)`` is the English message (the CLI prints it).
    """

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(MESSAGES[code].format(**params))


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
        raise SimulationError("whole", name=name, value=value) from None
    if not math.isfinite(v) or v != int(v):
        raise SimulationError("whole", name=name, value=value)
    if not lo <= v <= hi:
        raise SimulationError("range", name=name, lo=lo, hi=hi, value=int(v))
    return int(v)


def validate(cfg: Config) -> Config:
    """Check every field of ``cfg``; returns it normalised. Raises :class:`SimulationError` with a clear message."""
    points = _whole("points", cfg.points, 1, MAX_POINTS)
    iters = _whole("iters", cfg.iters, 1, MAX_ITERS)
    seed = _whole("seed", cfg.seed, 0, 2**31 - 1)
    if cfg.gradients not in GRADIENTS:
        raise SimulationError("gradients", options=", ".join(GRADIENTS), value=cfg.gradients)
    allowed = PAPER_LOSSES if cfg.gradients == "paper" else AUTOGRAD_LOSSES
    names = tuple(cfg.losses)
    if not names:
        raise SimulationError("no_loss")
    bad = [n for n in names if n not in allowed]
    if bad:
        raise SimulationError(
            "unknown_loss", names=", ".join(map(repr, bad)), gradients=cfg.gradients, options=", ".join(allowed)
        )
    if len(set(names)) != len(names):
        raise SimulationError("twice")
    rates = tuple(cfg.rates)
    until = tuple(cfg.until)
    for r in rates:
        try:
            rf = float(r)
        except (TypeError, ValueError):
            raise SimulationError("rate_number", value=r) from None
        if not math.isfinite(rf) or not 0 < rf <= MAX_RATE:
            raise SimulationError("rate_range", hi=MAX_RATE, value=r)
    if len(rates) != len(until) or not rates:
        raise SimulationError("schedule_length")
    until = tuple(_whole("schedule step", u, 1, MAX_ITERS) for u in until)
    if list(until) != sorted(set(until)):
        raise SimulationError("bounds_order", until=until)
    if cfg.device not in DEVICES:
        raise SimulationError("device", value=cfg.device)
    if cfg.device == "cuda" and not torch.cuda.is_available():
        raise SimulationError("no_cuda")
    if cfg.dtype not in ("float32", "float64"):
        raise SimulationError("dtype", value=cfg.dtype)
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
        raise SimulationError("memory", need_mib=need / 2**20, cases=cfg.cases, have_mib=have / 2**20)
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


def summary_records(runs: dict[str, SimulationRun]) -> list[dict]:
    """The page's summary table: one record per (gradient mode, loss) with language-independent keys
    ``loss``, ``mode``, ``E(s)`` for each summary step, ``per_case`` (the last E per case) and ``area``."""
    rows = []
    for mode, result in runs.items():
        for r in summary(result):
            row: dict = {"loss": r.loss, "mode": mode}
            row.update({f"E({s})": e for s, e in zip(r.steps, r.errors, strict=True)})
            row["per_case"] = r.errors[-1] / result.cases
            row["area"] = r.area
            rows.append(row)
    return rows


def curves_csv(runs: dict[str, SimulationRun]) -> bytes:
    """E(t) of every (loss, mode) as CSV: a ``step`` column (1-based) and one column ``<loss>_<mode>`` each."""
    cols = {f"{name}_{mode}": err for mode, result in runs.items() for name, err in result.error.items()}
    n = len(next(iter(cols.values())))
    lines = ["step," + ",".join(cols)]
    lines += [",".join([str(i + 1), *(repr(float(c[i])) for c in cols.values())]) for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def mode_configs(base: Config, modes: Sequence[str]) -> dict[str, Config]:
    """``base`` once per gradient mode; paper gradients exist for the paper's four losses only, and a mode left
    with no loss is left out."""
    out = {}
    for m in modes:
        names = tuple(n for n in base.losses if m == "autograd" or n in PAPER_LOSSES)
        if names:
            out[m] = Config(base.points, base.iters, names, m, base.seed, base.rates, base.until, base.iou_factor)
    return out


def schedule_until(u1: int, u2: int) -> tuple[tuple[int, int, int], bool]:
    """The schedule's step bounds from the two the page offers (after the second, η3 holds to the end), and
    whether they were usable: bounds out of order (a hand-edited URL) fall back to the paper's."""
    ok = int(u2) > int(u1)
    first, second = (int(u1), int(u2)) if ok else S.PAPER_SCHEDULE.until[:2]
    return (first, second, MAX_ITERS), ok


def memory_mib(configs: dict[str, Config]) -> float:
    """The largest memory estimate of the runs, in MiB (the page prints it before starting them)."""
    return max(estimate_bytes(c) for c in configs.values()) / 2**20


#: URL keys of the trajectory view's case pickers (target aspect, scale, anchor aspect), built at run time.
CASE_KEYS = {"ta": "sim_ta", "sc": "sim_sc", "aa": "sim_aa"}
#: Every URL key of the simulation page (the shell's registry of its links), also those of the views not shown.
URL_KEYS = (
    "sim_points", "sim_iters", "sim_seed", "sim_losses", "sim_modes", "sim_factor",
    *(f"sim_eta{i + 1}" for i in range(len(S.PAPER_SCHEDULE.rates))), "sim_until1", "sim_until2",
    "sim_view", "sim_log", "sim_map_mode", "sim_map_loss", "sim_pair", "sim_centre", *CASE_KEYS.values(),
)  # fmt: skip


#: The arXiv paper of every loss the simulation runs (from the core's registration of each loss).
PAPERS = {code: IOU_LOSS_SPECS[code].paper for code in AUTOGRAD_LOSSES}

#: The protocol's aspect ratios (w:h) as the page names them.
RATIO_LABELS = ("1:4", "1:3", "1:2", "1:1", "2:1", "3:1", "4:1")


def large(cfg: Config) -> bool:
    """Whether a run is large enough that a link alone must not start it (the user presses start)."""
    return cfg.cases > LARGE_CASES


# ------------------------------------------------------------------------------------------------------ trajectories


Box = tuple[float, float, float, float]


def case_boxes(centre: tuple[float, float], target_aspect: int, scale: int, anchor_aspect: int) -> tuple[Box, Box]:
    """The protocol's anchor and target ``(x, y, w, h)`` for one case (indices into ASPECTS / SCALES)."""
    for name, i, n in (("target_aspect", target_aspect, 7), ("scale", scale, 7), ("anchor_aspect", anchor_aspect, 7)):
        if not 0 <= int(i) < n:
            raise SimulationError("case_index", name=name, hi=n - 1, value=i)
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
        raise SimulationError("pair_format")
    boxes = []
    for part, name in zip(parts, ("prediction", "target"), strict=True):
        try:
            v = [float(s) for s in part.split(",")]
        except ValueError:
            raise SimulationError("box_numbers", box=name, text=part) from None
        if len(v) != 4 or not all(math.isfinite(x) and abs(x) <= 1e6 for x in v):
            raise SimulationError("box_finite", box=name, text=part)
        x1, y1, x2, y2 = v
        if not (x2 > x1 and y2 > y1):
            raise SimulationError("box_order", box=name, text=part)
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
        raise SimulationError("file_list", field=name, length=length)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise SimulationError("file_numbers", field=name) from None
    if arr.ndim != 1 or not np.isfinite(arr).all() or (arr < 0).any():
        raise SimulationError("file_finite", field=name)
    return arr


def from_json(data: str | bytes) -> SimulationRun:
    """Load a run saved by :func:`to_json` (or the CLI's ``--json``), checking every field.

    Raises :class:`SimulationError` naming the first problem for anything malformed.
    """
    if len(data) > MAX_JSON_BYTES:
        raise SimulationError("file_size", mb=MAX_JSON_BYTES // 1_000_000)
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SimulationError("file_json", detail=str(exc)) from None
    if not isinstance(doc, dict):
        raise SimulationError("file_object")
    for key in ("cases", "gradients", "iters", "losses", "points"):
        if key not in doc:
            raise SimulationError("file_missing", field=key)
    losses = doc["losses"]
    if not isinstance(losses, dict) or not losses:
        raise SimulationError("file_losses")
    sched = doc.get("schedule") or {}
    if not isinstance(sched, dict):
        raise SimulationError("file_schedule")
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
        raise SimulationError("file_cases", value=doc["cases"], cases=cfg.cases)
    error, centre_error = {}, {}
    for name, entry in losses.items():
        if not isinstance(entry, dict):
            raise SimulationError("file_loss_object", name=name)
        error[name] = _floats(f"losses.{name}.error", entry.get("error"), cfg.iters)
        ce = entry.get("centre_error")
        centre_error[name] = (
            _floats(f"losses.{name}.centre_error", ce, cfg.points) if ce is not None else np.full(cfg.points, np.nan)
        )
    if "centres" in doc:
        centres = doc["centres"]
        if not isinstance(centres, list) or len(centres) != cfg.points:
            raise SimulationError("file_centres", points=cfg.points)
        try:
            arr = np.asarray(centres, dtype=float)
        except (TypeError, ValueError):
            raise SimulationError("file_centre_numbers") from None
        if arr.shape != (cfg.points, 2) or not np.isfinite(arr).all():
            raise SimulationError("file_centres", points=cfg.points)
    else:
        arr = protocol(cfg)[0].numpy()  # the same seed gives the same centres
    seconds = doc.get("seconds", 0.0)
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not math.isfinite(seconds):
        raise SimulationError("file_seconds")
    return SimulationRun(cfg, error, centre_error, arr, float(seconds))
