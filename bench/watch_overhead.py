#!/usr/bin/python3
"""What gradscope's watch() costs a PyTorch training loop.

Exports mlp-fashion and cnn-fashion with gradscope-train, then trains each
exported model (Debian's torch, real Fashion-MNIST batches assembled
beforehand) in alternating windows, A B A B ...:

  A  plain:  zero_grad, forward, loss, backward, step, loss.item(), RunLog.step()
  B  watched: the same with watch(model, log, every=10) hooked in

and prints, like gradscope-bench, per model:

    bench watch-overhead/<model> <percent> %       wall time
    bench watch-overhead-cpu/<model> <percent> %   the process's CPU time

each the median of the per-pair slowdowns (B time / A time - 1), with their
range in a '#' line. The pairs alternate A B, B A, ... so that a drift of a
shared machine's speed cancels; CPU time is the steadier figure where other
programs take turns on the cores. Both variants write the same run log (one
line per step), so the figure is watch's own cost: its hooks every step, and
the statistics and gradient checks every 10th step whose record the log
writes (at most one per RunLog.min_layers_interval, 0.1 s). Usage:

    bench/watch_overhead.py [--train build/cli/gradscope-train] [--windows 30] [--seconds 0.3]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# One thread everywhere (torch's intra-op pool, OpenMP, OpenBLAS): a ratio of
# two single-threaded loops is far steadier on a shared 2-core machine than
# one of loops whose thread pools wait on each other and on other programs.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
for _v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(_v, None)

import torch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
from gradscope import RunLog, watch  # noqa: E402


def load_project(directory):
    for n in ("config", "data", "data_files", "model", "train"):
        sys.modules.pop(n, None)
    sys.path.insert(0, directory)
    import train  # noqa: F401  (imports config, data, model of this project)
    sys.path.remove(directory)
    return sys.modules["train"], sys.modules["data"], sys.modules["model"]


def run_window(step, seconds):
    """Steps for `seconds`; returns (wall, CPU) seconds per step."""
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    while True:
        step()
        n += 1
        t = time.perf_counter() - t0
        if t >= seconds:
            return t / n, (time.process_time() - c0) / n


def bench(name, args, tmp):
    project = os.path.join(tmp, name)
    subprocess.run([args.train, "export", name, "--to", "pytorch", project], check=True,
                   stdout=subprocess.DEVNULL)
    train, data, model = load_project(project)
    cfg = sys.modules["config"]
    D = data.load()
    order = data.epoch_order(len(D.train), 0, cfg.SEED)
    batches = []
    for b in range(32):
        x, y = D.batch(D.train, order[b * cfg.BATCH_SIZE:(b + 1) * cfg.BATCH_SIZE], train=True)
        batches.append((torch.from_numpy(x), torch.from_numpy(y)))
    loss_fn = train.Loss(cfg.OUTPUT_SIZE, D.num_classes)
    variants = {}
    for v in ("plain", "watched"):
        torch.manual_seed(0)
        net = model.build()
        opt = train.make_optimizer(net)
        log = RunLog(os.path.join(tmp, f"{name}-{v}"), spec={"name": name}, min_step_interval=0)
        w = watch(net, log, every=10, optimizer=opt) if v == "watched" else None
        state = {"i": 0}

        def step(net=net, opt=opt, log=log, state=state):
            x, y = batches[state["i"] % len(batches)]
            state["i"] += 1
            opt.zero_grad(set_to_none=True)
            loss, _ = loss_fn(net(x, logits=True), loss_fn.target(y))
            loss.backward()
            opt.step()
            log.step(state["i"], 0, loss.item(), None, 0.01)
        variants[v] = (step, w, log)
    for v in variants.values():  # warm-up
        run_window(v[0], 0.3)
    wall, cpu, times = [], [], {"plain": [], "watched": []}
    for k in range(args.windows):  # A B, then B A: a drift of the machine's speed cancels
        pair = ("plain", "watched") if k % 2 == 0 else ("watched", "plain")
        got = {v: run_window(variants[v][0], args.seconds) for v in pair}
        wall.append(100 * (got["watched"][0] / got["plain"][0] - 1))
        cpu.append(100 * (got["watched"][1] / got["plain"][1] - 1))
        for v in got:
            times[v].append(got[v][0])
    for step, w, log in variants.values():
        if w:
            w.remove()
        log.close()
    print(f"bench watch-overhead/{name} {statistics.median(wall):.1f} %")
    print(f"bench watch-overhead-cpu/{name} {statistics.median(cpu):.1f} %")
    print(f"# {name}: {args.windows} window pairs of {args.seconds} s; per pair, wall "
          f"{min(wall):.1f}% to {max(wall):.1f}%, CPU time {min(cpu):.1f}% to {max(cpu):.1f}%; "
          f"median step: plain {1e3 * statistics.median(times['plain']):.2f} ms, watched "
          f"{1e3 * statistics.median(times['watched']):.2f} ms", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--train", default=os.path.join(ROOT, "build", "cli", "gradscope-train"))
    p.add_argument("--models", default="mlp-fashion,cnn-fashion")
    p.add_argument("--windows", type=int, default=30, help="window pairs (default %(default)s)")
    p.add_argument("--seconds", type=float, default=0.3, help="seconds a window (default %(default)s)")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    print(f"# torch {torch.__version__}, {args.threads} intra-op thread(s), OpenBLAS threads "
          f"{os.environ['OPENBLAS_NUM_THREADS']}")
    tmp = tempfile.mkdtemp(prefix="gs-watch-bench-")
    try:
        for name in args.models.split(","):
            bench(name, args, tmp)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
