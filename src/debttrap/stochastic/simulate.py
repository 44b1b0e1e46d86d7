"""Running many paths: blocks, seeds, workers, variants, streaming reductions.

Paths are cut into blocks of ``block_size``. Block ``b`` draws its shocks from
``numpy.random.default_rng(SeedSequence(seed).spawn(n_blocks)[b])``: the
shocks of a path depend on the seed, the block size and its position only, so
results are identical whatever the number of workers. Blocks run on a thread
pool (the compiled kernel releases the GIL; NumPy mostly does).

Every variant (all offers; no offer; all but one offer, when there are two or
more) runs on the same shocks (common random numbers). Breach and distress
counts are reduced block by block (integers: exact, order-free). The fan-chart
quantiles are those of every path, exactly (float32 values, as ``np.quantile``):
up to ``fan_sample`` paths (default :data:`FAN_SAMPLE_PATHS`) every path of a kept
variant is held as float32 and sorted; beyond it the whole blocks covering the first
``fan_sample`` paths are held (a fixed-size pilot: the same paths for a given seed and
block size, whatever the workers) and every later block streams into
:class:`~debttrap.stochastic.streaming.StreamingQuantiles`, which keeps only the values
near each wanted order statistic and an exact count of those below, so memory does not
grow with the paths (``O(sqrt(paths))`` for the brackets; the plan is
:func:`planned_memory_bytes`, stated in :attr:`SimulationResult.memory_bytes`).
Means and probabilities always use every path.

The reductions are arranged for speed: tallies run on a years x indicators x paths
comparison (contiguous rows of paths, the layout both kernels write); the fan
quantiles sort each (year, indicator) series as a contiguous row and interpolate as
``np.quantile`` does; the fan means add each block's rows, block by block in block
order (the same numbers on any number of workers; within 1e-12 of a path-by-path sum).
"""

from __future__ import annotations

import importlib.util
import queue
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from debttrap.errors import InputError
from debttrap.stochastic.kernel import (
    N_OUT,
    OUTPUTS,
    THRESHOLD_OUTPUTS,
    KernelArrays,
    SimulationInputs,
    prepare,
    run_paths,
)
from debttrap.stochastic.results import (
    QUANTILE_LEVELS,
    DistressRule,
    SimulationResult,
    VariantResult,
)
from debttrap.stochastic.shocks import ShockModel
from debttrap.stochastic.streaming import Z_MARGIN, StreamingQuantiles, exact_rows

__all__ = ["FAN_SAMPLE_PATHS", "RATING_WINDOW_YEARS", "block_shocks", "fan_quantiles", "simulate"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
Engine = Literal["auto", "numpy", "numba"]

#: ``engine="auto"`` runs the compiled kernel (numba) from this many path-years (paths x
#: years x variants) on, where numba is installed. Below it NumPy: importing numba and
#: loading its cached kernel cost about 0.4 s of CPU (0.1 s import, 0.28 s to load the
#: cached machine code and type the first call), which the compiled kernel (about 100 ns
#: less per path-year than NumPy, ``bench/simulate.py``) wins back only past about 4 million
#: path-years (an assessment's 10,000 paths x 5 variants x 21 years are 1 million).
AUTO_NUMBA_MIN_PATH_YEARS = 4_000_000

#: LIC-DSF rating window: t … t+10 (11 years, as the template).
RATING_WINDOW_YEARS = 11
#: paths kept for the fan-chart quantiles: all of them up to this count, a systematic
#: sample of this size at most beyond it (memory bounded at any path count)
FAN_SAMPLE_PATHS = 100_000
_N_THR = len(THRESHOLD_OUTPUTS)
_EXTERNAL = list(range(4))
_EXTRA_NEED = OUTPUTS.index("extra_financing_need_pct_gdp")


@dataclass(frozen=True, slots=True, eq=False)
class _Counts:
    """Integer tallies of one block for one variant."""

    breach_by_year: NDArray[np.int64]  # (Y, 5)
    breach_any: NDArray[np.int64]  # (5,)
    breach_flag: NDArray[np.int64]  # (5,)
    external_flag: int
    distress: int
    distress_by_year: NDArray[np.int64]  # (Y,)


def numba_installed() -> bool:
    """Whether numba can be imported (checked without importing it)."""
    return importlib.util.find_spec("numba") is not None


def resolve_engine(engine: Engine, path_years: int) -> Literal["numpy", "numba"]:
    """The kernel a run uses: ``auto`` is numba where it is installed and the run has at
    least :data:`AUTO_NUMBA_MIN_PATH_YEARS` path-years, NumPy otherwise (numba missing
    included). The choice depends on the run alone, never on what the process ran
    before, so the same call gives the same bits."""
    if engine == "auto":
        big = path_years >= AUTO_NUMBA_MIN_PATH_YEARS
        return "numba" if big and numba_installed() else "numpy"
    if engine in ("numpy", "numba"):
        return engine
    raise InputError(f"engine must be 'auto', 'numpy' or 'numba', not {engine!r}", field="engine")


def _kernel_fn(engine: Engine, variants: Sequence[KernelArrays] = ()
               ) -> Callable[..., FloatArray]:
    """The kernel of ``engine`` as ``kernel(ka, shocks, out=None)``; for numba, with each
    of ``variants`` planned once, and ``out`` a reusable output buffer (ignored by NumPy)."""
    if engine == "numpy":

        def numpy_kernel(ka: KernelArrays, shocks: FloatArray,
                         out: FloatArray | None = None) -> FloatArray:
            return run_paths(ka, shocks)

        return numpy_kernel
    if engine == "numba":
        from debttrap.stochastic import _numba

        if not _numba.AVAILABLE:
            raise InputError("numba is not installed; use engine 'numpy'", field="engine")
        plans = {id(ka): _numba.plan(ka) for ka in variants}  # this run's own variants

        def compiled(ka: KernelArrays, shocks: FloatArray,
                     out: FloatArray | None = None) -> FloatArray:
            return _numba.run_paths_numba(ka, shocks, plans.get(id(ka)), out=out)

        return compiled
    raise InputError(f"engine must be 'numpy' or 'numba', not {engine!r}", field="engine")


def _count(out: FloatArray, thr: FloatArray, n_window: int, rule: DistressRule) -> _Counts:
    # one comparison pass, laid out (Y, 5, N) so that every tally below runs over
    # contiguous rows of paths
    above = np.greater(out.transpose(1, 2, 0)[:, :_N_THR, :], thr[:, None], order="C")
    per_path = above[:n_window].sum(axis=0, dtype=np.uint8)  # (5, N) years in breach (<= Y)
    flag = per_path >= 2
    svc = [THRESHOLD_OUTPUTS.index(s) for s in rule.service_indicators]
    svc_above = above[:, svc[0], :].copy()  # (Y, N)
    for j in svc[1:]:
        svc_above |= above[:, j, :]
    # a run of k years above threshold ends in y when every year y-k+1 .. y is above:
    # one AND per extra year of the run (no run of k years ends before year k-1)
    n_years = svc_above.shape[0]
    k = rule.consecutive_years
    state = svc_above.copy()
    for lag in range(1, min(k, n_years)):  # loop over years of the run
        state[lag:] &= svc_above[:-lag]
    state[: min(k - 1, n_years)] = False
    if rule.max_extra_financing_pct_gdp is not None:
        state |= out[:, :, _EXTRA_NEED].T > rule.max_extra_financing_pct_gdp
    return _Counts(
        breach_by_year=np.count_nonzero(above, axis=2).astype(np.int64),
        breach_any=np.count_nonzero(per_path, axis=1).astype(np.int64),
        breach_flag=np.count_nonzero(flag, axis=1).astype(np.int64),
        external_flag=int(np.count_nonzero(flag[_EXTERNAL].any(axis=0))),
        distress=int(np.count_nonzero(state[:n_window].any(axis=0))),
        distress_by_year=np.count_nonzero(state, axis=1).astype(np.int64),
    )


def fan_quantiles(paths: NDArray[np.floating], levels: Sequence[float], *,
                  workers: int = 1) -> FloatArray:
    """``np.quantile(paths, levels, axis=0)`` (method ``linear``), the same numbers, faster.

    ``paths`` is ``(N, ...)``; the result ``(len(levels), ...)`` is float64. Each
    series of ``N`` values is copied into a contiguous row and sorted (rows split
    among ``workers`` threads: sorting releases the GIL), then the two order
    statistics around each level are interpolated with NumPy's own formula:
    ``a + (b - a) * g``, or ``b - (b - a) * (1 - g)`` when ``g >= 0.5``, with
    ``b - a`` in the data's precision. A series holding NaN gives NaN, as NumPy.
    (A partition on the 14 order statistics of a strided axis costs several
    times a full sort of contiguous rows.)
    """
    n = paths.shape[0]
    if n < 1:
        raise InputError("needs at least one path", field="paths")
    lanes = np.ascontiguousarray(paths.reshape(n, -1).T)  # (series, N)
    n_lanes = lanes.shape[0]
    cuts = np.linspace(0, n_lanes, min(max(workers, 1), max(n_lanes, 1)) + 1).astype(np.int64)

    def sort_rows(i: int) -> None:
        lanes[cuts[i]:cuts[i + 1]].sort(axis=1)

    if cuts.size > 2:
        with ThreadPoolExecutor(max_workers=cuts.size - 1) as pool:
            list(pool.map(sort_rows, range(cuts.size - 1)))
    else:
        sort_rows(0)
    q = np.asarray(levels, dtype=np.float64)
    virtual = (n - 1) * q
    prev = np.floor(virtual)
    nxt = prev + 1.0
    top = virtual >= n - 1  # at or past the largest: both neighbours are the last value
    prev[top] = -1.0
    nxt[top] = -1.0
    bottom = virtual < 0
    prev[bottom] = 0.0
    nxt[bottom] = 0.0
    gamma = (virtual - prev)[:, None]  # as NumPy: from the adjusted lower index
    lo = lanes[:, prev.astype(np.intp)].T  # (levels, series)
    hi = lanes[:, nxt.astype(np.intp)].T
    diff = hi - lo
    out: FloatArray = np.add(lo, diff * gamma)
    np.subtract(hi, diff * (1.0 - gamma), out=out, where=gamma >= 0.5, casting="unsafe",
                dtype=np.float64)
    nan_rows = np.isnan(lanes[:, -1])
    if nan_rows.any():
        out[:, nan_rows] = lanes[nan_rows, -1]
    return out.reshape((q.size, *paths.shape[1:]))


def block_shocks(model: ShockModel, seed: int, n_paths: int, n_years: int,
                 block_size: int) -> list[tuple[int, int, np.random.SeedSequence]]:
    """The block plan: (first path, paths in block, seed sequence) per block."""
    n_blocks = max(1, -(-n_paths // block_size))
    children = np.random.SeedSequence(seed).spawn(n_blocks)
    plan = []
    for b in range(n_blocks):
        start = b * block_size
        plan.append((start, min(block_size, n_paths - start), children[b]))
    return plan


def _check_run(
    n_paths: int, seed: int, block_size: int, workers: int, fan_sample: int,
    thresholds_pct: Mapping[str, float],
) -> FloatArray:
    """The run's settings checked; the thresholds in the order of ``THRESHOLD_OUTPUTS``."""
    if not isinstance(n_paths, int) or n_paths < 1:
        raise InputError("must be a whole number >= 1", field="paths")
    if not isinstance(seed, int) or seed < 0:
        raise InputError("must be a whole number >= 0", field="seed")
    if block_size < 1:
        raise InputError("must be >= 1", field="block_size")
    if workers < 1:
        raise InputError("must be >= 1", field="workers")
    if fan_sample < 1:
        raise InputError("must be >= 1", field="fan_sample")
    missing = [k for k in THRESHOLD_OUTPUTS if k not in thresholds_pct]
    if missing:
        raise InputError(f"thresholds missing for {missing}", field="thresholds_pct")
    return np.array([float(thresholds_pct[k]) for k in THRESHOLD_OUTPUTS])


def _variants(
    inputs: SimulationInputs, names: Mapping[int, str]
) -> tuple[list[tuple[str, BoolArray]], dict[str, str | None]]:
    """The variants run on the same draws (all offers, no offer, without each offer) as line
    masks, and which variant measures each named offer (the run without it; with one offer,
    no offer; None for an offer without a line)."""
    groups = inputs.lines.groups
    masks: list[tuple[str, BoolArray]] = [
        ("all_offers", np.ones(inputs.lines.n_lines, dtype=np.bool_))
    ]
    if groups:
        masks.append(("no_offer", inputs.lines.group < 0))
        if len(groups) > 1:
            for g in groups:
                masks.append((f"without_{names.get(g, f'offer{g}')}", inputs.lines.group != g))
    offer_variants: dict[str, str | None] = {}
    for g, nm in sorted(names.items()):
        if g not in groups:
            offer_variants[nm] = None
        elif len(groups) == 1:
            offer_variants[nm] = "no_offer"
        else:
            offer_variants[nm] = f"without_{nm}"
    return masks, offer_variants


def _run_blocks(
    work: Callable[[int], tuple[int, list[_Counts]]],
    blocks: Sequence[int],
    sizes: Sequence[int],
    workers: int,
    progress: Callable[[int], None] | None,
    done: int = 0,
) -> dict[int, list[_Counts]]:
    """The tallies of ``blocks`` by block (threads finish in any order); ``progress`` gets
    the paths finished, counted on from ``done``."""
    results: dict[int, list[_Counts]] = {}
    if workers == 1:
        for b in blocks:
            _, c = work(b)
            results[b] = c
            done += sizes[b]
            if progress is not None:
                progress(done)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(work, b) for b in blocks]
            for fut in as_completed(futures):
                b, c = fut.result()
                results[b] = c
                done += sizes[b]
                if progress is not None:
                    progress(done)
    return results


def planned_memory_bytes(
    n_paths: int, n_years: int, n_variables: int, *, extra_fans: int = 0, workers: int = 1,
    block_size: int = 4096, fan_sample: int = FAN_SAMPLE_PATHS, keep_paths: bool = False,
) -> int:
    """The memory a run plans to use, bytes (what :attr:`SimulationResult.memory_bytes`
    states): each kept fan variant's float32 store (every path up to ``fan_sample``, twice
    while it is sorted; else the pilot: the whole blocks covering the first ``fan_sample``
    paths, sorted in place); past ``fan_sample``, the streaming quantiles' caps (8 bytes a
    kept value); and one block's working set per worker (shocks, kernel output, its float32
    copy, residual cohorts, a few vectors, the sort keys of the streaming quantiles)."""
    series = n_years * N_OUT
    n_blocks = max(1, -(-n_paths // block_size))
    pilot = min(n_paths, -(-min(n_paths, fan_sample) // block_size) * block_size)
    streaming = not keep_paths and pilot < n_paths
    kept = pilot if streaming else n_paths
    store = (8 if keep_paths else 4) * kept * series
    fans = 1 + extra_fans
    per_block = block_size * n_years * (n_variables + 2 * N_OUT + n_years + 8) * 8
    if streaming:
        per_block += block_size * series * (4 + 8 + 8)
        caps = sum(max(2.0 * 2.0 * (Z_MARGIN * np.sqrt(q * (1 - q) * n_paths) + 4.0)
                       * series, 1 << 16) for q in QUANTILE_LEVELS)
        stream = int(8 * caps)
    else:
        stream = 0
    # the in-memory store is sorted as a copy; the streaming pilot is sorted in place
    copies = 1 if streaming else 2
    return int(copies * store * fans + stream * fans + per_block * min(workers, n_blocks))


def _variant_result(name: str, parts: list[_Counts], n_paths: int) -> VariantResult:
    """One variant's probabilities: its blocks' tallies added, over the number of paths."""
    total = float(n_paths)

    def tally(get: Callable[[_Counts], object]) -> FloatArray:
        stacked: FloatArray = np.stack([np.asarray(get(p), dtype=np.float64) for p in parts])
        summed: FloatArray = stacked.sum(axis=0) / total
        return summed

    return VariantResult(
        name=name,
        prob_breach_by_year=tally(lambda p: p.breach_by_year),
        prob_breach_any=tally(lambda p: p.breach_any),
        prob_breach_flag=tally(lambda p: p.breach_flag),
        prob_external_breach_flag=float(tally(lambda p: p.external_flag)),
        prob_distress=float(tally(lambda p: p.distress)),
        prob_distress_by_year=tally(lambda p: p.distress_by_year),
    )


def simulate(
    inputs: SimulationInputs,
    model: ShockModel,
    *,
    n_paths: int,
    seed: int,
    thresholds_pct: Mapping[str, float],
    distress: DistressRule | None = None,
    block_size: int = 4096,
    workers: int = 1,
    engine: Engine = "auto",
    keep_paths: bool = False,
    offer_names: Mapping[int, str] | None = None,
    country: str = "",
    progress: Callable[[int], None] | None = None,
    fan_variants: Sequence[str] = (),
    fan_sample: int = FAN_SAMPLE_PATHS,
) -> SimulationResult:
    """Simulate ``n_paths`` paths; see the module docstring for seeds, blocks and memory.

    ``thresholds_pct`` maps each of the five threshold indicators to its
    threshold (e.g. :func:`debttrap.dsa.thresholds.thresholds`); ``progress``
    is called with the number of paths finished after each block.
    ``offer_names`` maps offer groups to names (an offer may be named without
    any line: it then adds nothing). ``fan_variants`` names further variants
    (``"no_offer"``, ``"without_<offer>"``) whose fan-chart quantiles are kept
    besides the main one's (each costs as much memory as the main variant's paths).
    ``fan_sample`` bounds the paths kept for fan quantiles (see the module docstring);
    ``keep_paths`` keeps every path of the main variant (memory grows with the paths).

    Longer than ~80 lines for a stated reason: the block worker and the fan reducer are
    closures over the run's own buffers (kept paths, per-block sums), so nothing
    outlives one run and no state is shared between runs; the checks, the variants,
    the block loop and the tallies are functions of their own.
    """
    thr = _check_run(n_paths, seed, block_size, workers, fan_sample, thresholds_pct)
    rule = distress or DistressRule()
    n_years = inputs.macro.n_years
    n_window = min(RATING_WINDOW_YEARS, n_years)

    names = dict(offer_names or {})
    variant_masks, offer_variants = _variants(inputs, names)
    prepared = [(name, prepare(inputs, mask)) for name, mask in variant_masks]
    engine = resolve_engine(engine, n_paths * n_years * len(prepared))
    kernel = _kernel_fn(engine, [ka for _, ka in prepared])
    zero = np.zeros((1, n_years, model.n_variables))
    baseline = kernel(prepared[0][1], zero)[0]
    known = [name for name, _ in prepared]
    bad = [v for v in fan_variants if v not in known]
    if bad:
        raise InputError(f"unknown variants {bad}; this run has {known}", field="fan_variants")
    extra_fan = [known.index(v) for v in dict.fromkeys(fan_variants) if known.index(v) != 0]

    plan = block_shocks(model, seed, n_paths, n_years, block_size)
    sizes = [size for _, size, _ in plan]
    n_series = n_years * N_OUT
    kept_v = (0, *extra_fan)
    # every path kept (keep_paths: float64, path-major; else float32, series-major) up to
    # fan_sample paths; past it, the whole blocks covering the first fan_sample paths are
    # kept as the pilot of the streaming quantiles, and later blocks stream into them
    first_blocks = [b for b, (start, _, _) in enumerate(plan) if start < fan_sample]
    n_pilot = sum(sizes[b] for b in first_blocks)
    streaming = not keep_paths and n_pilot < n_paths
    pilot_blocks = first_blocks if streaming else list(range(len(plan)))
    n_store = n_pilot if streaming else n_paths
    stores: dict[int, NDArray[np.floating]] = {
        v: (np.empty((n_paths, n_years, N_OUT)) if keep_paths and v == 0
            else np.empty((n_series, n_store), dtype=np.float32))
        for v in kept_v
    }
    block_sums = {v: [np.zeros(n_series) for _ in plan] for v in kept_v}
    reducers: dict[int, StreamingQuantiles] = {}
    lock = threading.Lock()

    def series_major(out: FloatArray) -> FloatArray:
        """A kernel output ``(N, Y, outputs)`` as ``(series, N)`` rows (a view where the
        kernel wrote years x outputs x paths, as both kernels do)."""
        rows: FloatArray = np.ascontiguousarray(out.transpose(1, 2, 0)).reshape(n_series, -1)
        return rows

    # output buffers, one per block in flight, reused by every variant and later blocks
    # (fresh pages cost the operating system's zeroing); they live for this run only
    buffers: queue.SimpleQueue[FloatArray] = queue.SimpleQueue()

    def work(b: int) -> tuple[int, list[_Counts]]:
        start, size, ss = plan[b]
        shocks = model.draw(np.random.default_rng(ss), size, n_years)
        try:
            buf = buffers.get_nowait()
        except queue.Empty:
            buf = np.empty((n_years, N_OUT, block_size))
        counts = []
        for v, (_, ka) in enumerate(prepared):
            out = kernel(ka, shocks, buf if size == block_size else None)
            counts.append(_count(out, thr, n_window, rule))
            if v in kept_v:
                if keep_paths and v == 0:
                    # path-major: the sum over paths runs path after path
                    flat = np.ascontiguousarray(out)
                    stores[v][start:start + size] = flat
                    block_sums[v][b] = flat.sum(axis=0).reshape(-1)
                    continue
                rows = series_major(out)
                block_sums[v][b] = rows.sum(axis=1)
                if start < n_store:
                    stores[v][:, start:start + size] = rows
                else:
                    with lock:  # one block at a time into the run's own reducer
                        reducers[v].add(rows.astype(np.float32))
        buffers.put(buf)  # nothing refers to it any more: every use above copied
        return b, counts

    results = _run_blocks(work, pilot_blocks, sizes, workers, progress)
    if streaming:
        for v in kept_v:
            reducers[v] = StreamingQuantiles(stores[v], n_paths, QUANTILE_LEVELS)
            del stores[v]  # the pilot's values are in the reducer now: memory stays bounded
        rest = [b for b in range(len(plan)) if b not in set(pilot_blocks)]
        results |= _run_blocks(work, rest, sizes, workers, progress, done=n_pilot)
    counts_by_block = [results[b] for b in range(len(plan))]

    def replay(v: int, rows: NDArray[np.intp]) -> NDArray[np.float32]:
        """All paths' values of some series of variant ``v``, recomputed (a streaming
        bracket missed: rare)."""
        parts = []
        for _, size, ss in plan:
            shocks = model.draw(np.random.default_rng(ss), size, n_years)
            parts.append(series_major(kernel(prepared[v][1], shocks))[rows].astype(np.float32))
        return np.concatenate(parts, axis=1)

    def fan(v: int) -> tuple[FloatArray, FloatArray]:
        """Quantiles and mean of a kept variant (sums added in block order: deterministic)."""
        vsum = np.zeros(n_series)
        for part in block_sums[v]:
            vsum = vsum + part
        if v in reducers:
            q, missed = reducers[v].result()
            if missed.any():
                rows = np.flatnonzero(missed)
                q[:, rows] = exact_rows(replay(v, rows), QUANTILE_LEVELS)
            del reducers[v]
        elif keep_paths and v == 0:
            q = fan_quantiles(stores[v], QUANTILE_LEVELS, workers=workers).reshape(
                len(QUANTILE_LEVELS), n_series)
        else:
            q = exact_rows(stores[v], QUANTILE_LEVELS)
        shape = (len(QUANTILE_LEVELS), n_years, N_OUT)
        return q.reshape(shape), (vsum / float(n_paths)).reshape(n_years, N_OUT)

    variants = [
        _variant_result(name, [r[v] for r in counts_by_block], n_paths)
        for v, (name, _) in enumerate(prepared)
    ]
    quantiles, mean = fan(0)
    variant_fans: dict[str, tuple[FloatArray, FloatArray, FloatArray]] = {}
    for v in extra_fan:
        q, vmean = fan(v)
        variant_fans[known[v]] = (q, vmean, kernel(prepared[v][1], zero)[0])
        stores.pop(v, None)
    store = stores.get(0)
    memory = planned_memory_bytes(
        n_paths, n_years, model.n_variables, extra_fans=len(extra_fan), workers=workers,
        block_size=block_size, fan_sample=fan_sample, keep_paths=keep_paths)
    return SimulationResult(
        country=country,
        years=inputs.macro.years,
        window_years=inputs.macro.years[:n_window],
        thresholds_pct={k: float(thresholds_pct[k]) for k in THRESHOLD_OUTPUTS},
        n_paths=n_paths,
        seed=seed,
        method=str(model.method),
        engine=engine,
        block_size=block_size,
        workers=workers,
        quantiles=quantiles,
        mean=mean,
        baseline=baseline,
        main=variants[0],
        variants=tuple(variants[1:]),
        distress_rule=rule,
        calibration=model.calibration.to_dict(),
        memory_bytes=memory,
        paths=store if keep_paths else None,  # type: ignore[arg-type]
        offer_names=names,
        offer_variants=offer_variants,
        variant_fans=variant_fans,
    )
