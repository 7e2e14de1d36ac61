#!/usr/bin/python3
"""PyTorch baseline for gradscope-bench.

Trains the same models as assets/models/{spiral-tanh,mlp-fashion,cnn-fashion}.json
with the same optimizer, batch size and loss, on random data of the real shape,
and prints one line per case exactly like gradscope-bench:

    bench <case> <value> <unit>

plus a '# ...' line describing the PyTorch settings. Run with Debian's torch:

    /usr/bin/python3 bench/pytorch_bench.py [--cases ...] [--windows N] [--seconds S]

Timed: one full training step = zero_grad(set_to_none=True), forward, loss,
backward, optimizer.step(). Not timed: model construction, data generation
(a pool of pre-made batches is cycled), warm-up. Reported value: median over
the timed windows.

Settings: chosen by measurement on the 2-vCPU AMD EPYC (Zen 5) dev VM, Debian
torch 1.13.1 + OpenBLAS 0.3.21 (pthread, DYNAMIC_ARCH), 2026-11; the host is
shared so single runs are noisy (+-15%); the A/B ratios below are medians of
30-50 interleaved 0.15 s windows in one process. All variants compute the same
math (same layers, loss, update rule); only threading/layout/dispatch differ.
  * OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed from the environment
    before torch loads (--keep-openblas-env keeps them): they force the AVX2
    "Haswell" kernels; unset, OpenBLAS picks "Cooperlake" (AVX-512) and the MLPs
    run ~1.5-2x faster.
  * OMP_WAIT_POLICY defaults to PASSIVE: with libgomp's default spinning, idle
    OpenMP workers steal the 2 cores from OpenBLAS's own pthread pool and the
    MLP cases collapse (down to 1-30k samples/s, very erratic).
  * intra-op threads (torch.set_num_threads) = 1, while OpenBLAS keeps its own
    pool of 2 threads for the GEMMs, so both cores are still used:
    vs set_num_threads(2): mlp b64 x1.26-1.50, mlp b256 x1.45, cnn (channels
    last) x1.13-1.16, spiral x1.01. (--threads 2 to re-check.)
  * cnn: channels_last memory format (model and input) x1.15-1.40 over the
    default NCHW. (--no-channels-last to re-check.)
  * torch.backends.mkldnn enabled (default; oneDNN convs): disabling it x0.8.
  * torch.set_flush_denormal(True): no measurable effect (x0.99-1.01), kept.
  * optimizers use foreach (multi-tensor) kernels: x0.96-1.03, i.e. noise.
  * torch.jit.trace of the model: spiral x1.04-1.05 (kept for spiral only),
    mlp x1.00, cnn x0.98. torch.jit.script: spiral x0.95.
  * inputs/targets never require grad (no input-gradient computation).
Default run (4 cases, 5 windows of 1 s) takes about 25-30 s.
"""

import argparse
import os
import statistics
import sys
import time

# Must happen before torch (and with it libgomp/libopenblas) is loaded.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
if "--keep-openblas-env" not in sys.argv:
    for _v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        os.environ.pop(_v, None)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

CASES = ["spiral-tanh/b10", "mlp-fashion/b64", "mlp-fashion/b256", "cnn-fashion/b64"]
POOL = 16  # pre-made batches cycled during timing

# Measured defaults (see module docstring); each is overridable from the command line.
FOREACH_DEFAULT = True
CHANNELS_LAST_DEFAULT = True   # only affects the CNN
THREADS_DEFAULT = 1            # intra-op threads; OpenBLAS keeps its own 2-thread pool
JIT_DEFAULT = {"spiral-tanh": "trace"}  # per model, "none" otherwise


def build(case, foreach, channels_last):
    """Returns (model, loss_fn, optimizer, pool_of_(x, y), unit, samples_per_step)."""
    name, b = case.split("/")
    batch = int(b[1:])
    g = torch.Generator().manual_seed(1)
    if name == "spiral-tanh":
        # 2-8-8-1 tanh, final Sigmoid + binary_cross_entropy == logit + BCEWithLogits.
        model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 1))
        loss_fn = nn.BCEWithLogitsLoss()
        opt = torch.optim.SGD(model.parameters(), lr=0.03, foreach=foreach)
        pool = [(torch.randn(batch, 2, generator=g),
                 torch.randint(0, 2, (batch, 1), generator=g).float()) for _ in range(POOL)]
        unit = "steps/s"
    elif name == "mlp-fashion":
        # 784-256-128-10 ReLU, final Softmax + softmax_cross_entropy == logits + CrossEntropy.
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                              nn.Linear(128, 10))
        loss_fn = nn.CrossEntropyLoss()
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, foreach=foreach)
        pool = [(torch.rand(batch, 784, generator=g),
                 torch.randint(0, 10, (batch,), generator=g)) for _ in range(POOL)]
        unit = "samples/s"
    elif name == "cnn-fashion":
        # 1x28x28 -> conv3x3/32 -> relu -> pool2 -> conv3x3/64 -> relu -> pool2
        #   -> conv3x3/64 -> relu -> flatten(576) -> 64 -> relu -> 10 (valid convs, stride 1).
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(64, 64, 3), nn.ReLU(),
            nn.Flatten(), nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))
        loss_fn = nn.CrossEntropyLoss()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, foreach=foreach)
        mf = torch.channels_last if channels_last else torch.contiguous_format
        if channels_last:
            model = model.to(memory_format=torch.channels_last)
        pool = [(torch.rand(batch, 1, 28, 28, generator=g).contiguous(memory_format=mf),
                 torch.randint(0, 10, (batch,), generator=g)) for _ in range(POOL)]
        unit = "samples/s"
    else:
        raise SystemExit(f"unknown case {case!r}; known: {' '.join(CASES)}")
    samples = 1 if unit == "steps/s" else batch
    return model, loss_fn, opt, pool, unit, samples


def make_step(model, loss_fn, opt):
    def step(x, y):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def run_case(case, args):
    torch.manual_seed(42)
    model, loss_fn, opt, pool, unit, samples = build(case, args.foreach, args.channels_last)
    jit = args.jit or JIT_DEFAULT.get(case.split("/")[0], "none")
    if jit == "trace":
        model = torch.jit.trace(model, pool[0][0])
    elif jit == "script":
        model = torch.jit.script(model)
    step = make_step(model, loss_fn, opt)
    n_pool = len(pool)

    def run(n, start=0):
        for i in range(start, start + n):
            x, y = pool[i % n_pool]
            step(x, y)

    # Warm-up (also settles oneDNN primitive caches / JIT profiling runs) and
    # calibration of the number of steps per window.
    run(20)
    n = 16
    while True:
        t0 = time.perf_counter()
        run(n)
        dt = time.perf_counter() - t0
        if dt >= 0.2 or n >= 1 << 24:
            break
        n *= 2
    per_window = max(1, int(n * args.seconds / dt))
    run(max(1, int(n * args.warmup / dt)))

    rates = []
    for _ in range(args.windows):
        t0 = time.perf_counter()
        run(per_window)
        dt = time.perf_counter() - t0
        rates.append(per_window * samples / dt)
    value = statistics.median(rates)
    if args.verbose:
        print(f"#   {case}: jit {jit} windows " + " ".join(f"{r:.1f}" for r in rates), flush=True)
    print(f"bench {case} {value:.1f} {unit}", flush=True)


def blas_desc():
    """e.g. 'openblas-0.3.21(Cooperlake) blas_threads 2' -- the BLAS torch really uses."""
    import ctypes
    cfg = torch.__config__.show()
    info = cfg.split("BLAS_INFO=")[1].split(",")[0] if "BLAS_INFO=" in cfg else "?"
    try:  # Debian's torch links libblas.so.3 (alternatives -> OpenBLAS here)
        ob = ctypes.CDLL("libopenblas.so.0", mode=os.RTLD_NOLOAD)
        ob.openblas_get_config.restype = ctypes.c_char_p
        ob.openblas_get_corename.restype = ctypes.c_char_p
        ver = ob.openblas_get_config().decode().split()[1]
        return (f"openblas-{ver}({ob.openblas_get_corename().decode()})"
                f" blas_threads {ob.openblas_get_num_threads()}")
    except (OSError, AttributeError, IndexError):
        return info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", nargs="+", default=CASES, metavar="CASE",
                    help="subset of: " + " ".join(CASES))
    ap.add_argument("--windows", type=int, default=5, help="timed windows per case (median reported)")
    ap.add_argument("--seconds", type=float, default=1.0, help="approximate length of one window")
    ap.add_argument("--warmup", type=float, default=0.5, help="extra warm-up seconds per case")
    ap.add_argument("--threads", type=int, default=THREADS_DEFAULT,
                    help="torch.set_num_threads (intra-op); default %(default)s")
    ap.add_argument("--channels-last", dest="channels_last", action="store_true",
                    default=CHANNELS_LAST_DEFAULT, help="channels_last memory format for the CNN")
    ap.add_argument("--no-channels-last", dest="channels_last", action="store_false")
    ap.add_argument("--foreach", dest="foreach", action="store_true", default=FOREACH_DEFAULT,
                    help="multi-tensor (foreach) optimizer kernels")
    ap.add_argument("--no-foreach", dest="foreach", action="store_false")
    ap.add_argument("--jit", choices=["none", "trace", "script"], default=None,
                    help="compile the model with torch.jit (default: trace for spiral, none otherwise)")
    ap.add_argument("--no-flush-denormal", dest="flush_denormal", action="store_false", default=True)
    ap.add_argument("--no-mkldnn", dest="mkldnn", action="store_false", default=True)
    ap.add_argument("--keep-openblas-env", action="store_true",
                    help="keep OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (removed by default)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every window")
    args = ap.parse_args()
    for c in args.cases:
        if c not in CASES:
            ap.error(f"unknown case {c!r}; known: {' '.join(CASES)}")

    torch.set_num_threads(args.threads)
    fd = torch.set_flush_denormal(args.flush_denormal) and args.flush_denormal
    torch.backends.mkldnn.enabled = args.mkldnn

    t_start = time.perf_counter()
    print(f"# torch {torch.__version__} threads {torch.get_num_threads()} blas {blas_desc()}"
          f" mkldnn {int(torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled)}"
          f" flush_denormal {int(bool(fd))} channels_last {int(args.channels_last)}"
          f" foreach {int(args.foreach)} jit {args.jit or 'trace(spiral)'}"
          f" OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '-')}"
          f" OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '-')}"
          f" OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE', '-')}", flush=True)
    for case in args.cases:
        run_case(case, args)
    print(f"# elapsed {time.perf_counter() - t_start:.1f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
