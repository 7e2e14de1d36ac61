"""Trains the exported model as Gradscope would: same data, batches, optimizer,
schedule, clipping and starting weights. Written by `gradscope-train export`.

    python3 train.py                                  # one process (CUDA when there is one)
    torchrun --nproc_per_node=4 train.py --log runs   # DistributedDataParallel on one machine

Under torchrun each process trains on its share of every epoch (a
DistributedSampler in Gradscope's order) with the spec's batch size, so one
step sees N times the batch; NCCL is used with CUDA, gloo otherwise. The run
log (docs/run-log.md) is what gradscope-monitor follows; checkpoints are in
Gradscope's safetensors layout, so `gradscope-train evaluate`, `train --resume`
and the studio open them. Exit status: 0 done, 1 an error, 3 stopped at a
non-finite value.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.utils.data.distributed import DistributedSampler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import config  # noqa: E402
import data as gsdata  # noqa: E402
import model as gsmodel  # noqa: E402
from gradscope import NonFiniteError, RunLog, watch  # noqa: E402
from gradscope.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=f"Train {config.NAME} in PyTorch, as Gradscope would.")
    p.add_argument("--steps", type=int, default=0, metavar="N", help="stop after N steps (0: run the epochs)")
    p.add_argument("--epochs", type=int, default=config.EPOCHS, metavar="N",
                   help="train until this many epochs are done (default %(default)s)")
    p.add_argument("--log", metavar="DIR", help="write a run log here (rank-N/ under torchrun)")
    p.add_argument("--all-ranks", action="store_true",
                   help="every rank writes its log, not only rank 0")
    p.add_argument("--checkpoint", metavar="FILE", default=os.path.join(HERE, config.START),
                   help="start from this Gradscope checkpoint (default: %(default)s)")
    p.add_argument("--save", metavar="FILE", default="trained.safetensors",
                   help="write the final checkpoint here (default: %(default)s)")
    p.add_argument("--batch", type=int, default=config.BATCH_SIZE, metavar="N",
                   help="batch size per process (default %(default)s)")
    p.add_argument("--no-shuffle", action="store_true",
                   help="take the training items in their stored order every epoch")
    p.add_argument("--log-every-step", action="store_true",
                   help="one log line per step (no merging of steps within 10 ms)")
    p.add_argument("--watch-every", type=int, default=10, metavar="N",
                   help="per-layer statistics every N steps (0: none)")
    p.add_argument("--threads", type=int, default=0, metavar="N", help="torch threads (default: torch's)")
    p.add_argument("--float64", action="store_true", help="train in float64 (for comparisons)")
    p.add_argument("--data-path", metavar="DIR", help="where the data is (default: the spec's)")
    p.add_argument("--device", help="cpu, cuda or cuda:N (default: CUDA when available)")
    p.add_argument("--quiet", action="store_true", help="print only the final result")
    a = p.parse_args(argv)
    for name in ("steps", "epochs", "watch_every", "threads"):
        if getattr(a, name) < 0:
            p.error(f"--{name.replace('_', '-')} must be 0 or more, got {getattr(a, name)}")
    if a.batch < 1:
        p.error(f"--batch must be at least 1, got {a.batch}")
    return a


# -- Gradscope's arithmetic around the optimizer ---------------------------------
def scheduled_lr(base, step):
    """The learning rate at a 0-based step (engine/src/optim/optimizer.cpp)."""
    s = config.SCHEDULE
    lr = base
    if s["type"] == "step":
        lr *= s["gamma"] ** (step // max(s["step_size"], 1))
    elif s["type"] == "exponential":
        lr *= s["gamma"] ** step
    elif s["type"] == "cosine":
        total = float(s["total_steps"]) if s["total_steps"] > 0 else 1.0
        t = min(float(step), total)
        lr = s["min_lr"] + 0.5 * (base - s["min_lr"]) * (1.0 + math.cos(math.pi * t / total))
    if s["warmup_steps"] > 0 and step < s["warmup_steps"]:
        lr *= (step + 1) / s["warmup_steps"]
    return float(np.float32(lr))


def clip_gradients(params, clip_norm):
    """Scales every gradient by clip / (norm + 1e-6) when their global L2 norm is above clip."""
    grads = [p.grad for p in params if p.grad is not None]
    norm = math.sqrt(sum(float(g.double().pow(2).sum()) for g in grads))
    if clip_norm > 0 and norm > clip_norm:
        f = float(np.float32(clip_norm / (norm + 1e-6)))
        for g in grads:
            g.mul_(f)
    return norm


_STATE = {"sgd": ["momentum_buffer"], "rmsprop": ["square_avg", "momentum_buffer"],
          "adam": ["exp_avg", "exp_avg_sq"], "adamw": ["exp_avg", "exp_avg_sq"]}


def make_optimizer(net):
    """The spec's optimizer; weight decay on Dense and Conv2D weights only, as Gradscope."""
    o = config.OPTIMIZER
    decay, rest = [], []
    for layer in net.layers:
        for name, p in layer.named_parameters(recurse=False):
            (decay if name == "weight" and isinstance(layer, (torch.nn.Linear, torch.nn.Conv2d))
             else rest).append(p)
    groups = [{"params": decay, "weight_decay": o["weight_decay"]},
              {"params": rest, "weight_decay": 0.0}]
    kind, lr = o["type"], o["lr"]
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=lr, momentum=o["momentum"], nesterov=o["nesterov"])
    if kind in ("adam", "adamw"):
        cls = torch.optim.AdamW if kind == "adamw" else torch.optim.Adam
        return cls(groups, lr=lr, betas=(o["beta1"], o["beta2"]), eps=o["eps"])
    return torch.optim.RMSprop(groups, lr=lr, alpha=o["alpha"], eps=o["eps"],
                               momentum=o["momentum"])


def load_optimizer_state(opt, net, ckpt):
    """Gradscope's optimizer state (docs/checkpoint.md) into torch's."""
    kind, steps = config.OPTIMIZER["type"], ckpt.optimizer_steps
    if ckpt.optimizer != kind:
        return  # another optimizer trained it: start this one's state from zero
    for name, p in net.gradscope_tensors():
        if not isinstance(p, torch.nn.Parameter):
            continue
        got = {s: ckpt.tensors.get(f"optim.{name}.{s}") for s in _STATE[kind]}
        if any(v is None for v in got.values()):
            continue
        st = {s: torch.from_numpy(v.copy()).to(p.device, p.dtype) for s, v in got.items()}
        if kind == "sgd" and config.OPTIMIZER["momentum"] <= 0:
            continue
        if kind == "rmsprop" and config.OPTIMIZER["momentum"] <= 0:
            st.pop("momentum_buffer")
        if kind != "sgd":
            st["step"] = torch.tensor(float(steps))
        opt.state[p] = st


def optimizer_tensors(opt, net):
    kind, out = config.OPTIMIZER["type"], []
    for name, p in net.gradscope_tensors():
        if isinstance(p, torch.nn.Parameter):
            for s in _STATE[kind]:
                t = opt.state.get(p, {}).get(s)
                out.append((f"optim.{name}.{s}", np.zeros(tuple(p.shape), np.float32) if t is None
                            else t.detach().to("cpu", torch.float32).numpy()))
    return out


# -- losses as Gradscope computes them -------------------------------------------
class Loss:
    def __init__(self, out_size, num_classes):
        self.kind, self.out, self.k = config.LOSS, out_size, num_classes
        self.one_hot = self.kind == "mse" and num_classes >= 2 and out_size > 1
        self.classifies = self.kind != "mse" or num_classes >= 2  # accuracy is counted

    def target(self, y):
        if self.kind == "softmax_cross_entropy":
            return y[:, 0].long()
        if self.one_hot:
            return F.one_hot(y[:, 0].long(), self.out).to(y.dtype)
        return y

    def __call__(self, z, t, reduction="mean"):
        """(loss, number right or None): z are logits where the last layer is fused."""
        z = z.reshape(z.shape[0], -1)
        if self.kind == "softmax_cross_entropy":
            loss = F.cross_entropy(z, t, reduction=reduction)
            right = (z.argmax(1) == t).sum()
        elif self.kind == "binary_cross_entropy":
            loss = F.binary_cross_entropy_with_logits(z, t, reduction=reduction)
            right = ((z > 0) == (t > 0.5)).sum()
        else:
            loss = ((z - t) ** 2).mean(1)
            loss = loss.mean() if reduction == "mean" else loss.sum()
            right = ((z - t).abs() < 0.5).all(1).sum() if self.k >= 2 else None
        return loss, right


def evaluate(net, loss_fn, data, split, batch, device, dtype, rank, world):
    """(mean loss, accuracy or None, items, right) over a whole split, shared by the ranks."""
    net.eval()
    total = torch.zeros(3, dtype=torch.float64, device=device)
    with torch.no_grad():
        mine = list(range(rank, len(split), world))
        for i in range(0, len(mine), batch):
            x, y = data.batch(split, mine[i:i + batch])
            x = torch.from_numpy(x).to(device, dtype)
            t = loss_fn.target(torch.from_numpy(y).to(device, dtype))
            loss, right = loss_fn(net(x, logits=True), t, reduction="sum")
            total += torch.tensor([float(loss), float(right) if right is not None else 0.0,
                                   x.shape[0]], dtype=torch.float64, device=device)
    if world > 1:
        dist.all_reduce(total)
    net.train()
    loss_sum, right, n = total.tolist()
    acc = right / n if n and loss_fn.classifies else None
    return (loss_sum / n if n else 0.0), acc, int(n), int(right)


class GradscopeSampler(DistributedSampler):
    """A DistributedSampler over Gradscope's epoch order: with one process, exactly
    the items of Gradscope's batches in their order."""

    def __init__(self, split, seed, shuffle, world, rank):
        super().__init__(split, num_replicas=world, rank=rank, shuffle=shuffle, seed=seed)

    def __iter__(self):
        order = gsdata.epoch_order(len(self.dataset), self.epoch, self.seed, self.shuffle)
        order += order[:self.total_size - len(order)]  # pad as DistributedSampler does
        return iter(order[self.rank:self.total_size:self.num_replicas])


def main(argv=None):
    args = parse_args(argv)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank, local = int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available() and (args.device or "cuda").startswith("cuda")
    device = torch.device(args.device if args.device and args.device != "cuda" else
                          (f"cuda:{local}" if cuda else "cpu"))
    if world > 1:
        dist.init_process_group("nccl" if cuda else "gloo")
        if cuda:
            torch.cuda.set_device(device)
    if args.threads:
        torch.set_num_threads(args.threads)
    dtype = torch.float64 if args.float64 else torch.float32
    say = (lambda *a: print(*a, flush=True)) if rank == 0 and not args.quiet else (lambda *a: None)

    with open(os.path.join(HERE, "spec.json")) as f:
        spec = json.load(f)
    if args.data_path:
        spec["data"]["path"] = args.data_path
    data = gsdata.load(args.data_path)
    net = gsmodel.build().to(device, dtype)
    ckpt = load_checkpoint(args.checkpoint)
    net.load_gradscope(ckpt.tensors)
    net.set_rank(rank)
    opt = make_optimizer(net)
    load_optimizer_state(opt, net, ckpt)
    params = [p for p in net.parameters()]
    trained = torch.nn.parallel.DistributedDataParallel(
        net, device_ids=[device.index] if cuda else None) if world > 1 else net
    loss_fn = Loss(config.OUTPUT_SIZE, data.num_classes)
    log = RunLog(args.log, spec=spec, backend=f"pytorch-{device.type}", all_ranks=args.all_ranks,
                 min_step_interval=0.0 if args.log_every_step else 0.010)
    w = watch(net, log, every=args.watch_every if args.log and args.watch_every else 10 ** 12,
              optimizer=opt)
    say(f"{config.NAME}: {len(data.train)} training, "
        f"{len(data.validation) if data.validation else 0} validation, "
        f"{len(data.test) if data.test else 0} test items; {world} process(es) on {device}")

    sampler = GradscopeSampler(data.train, config.SEED, not args.no_shuffle, world, rank)
    step, epoch = ckpt.step, ckpt.epoch
    pos = ckpt.epoch_position // world
    opt_steps, taken, stop_code = ckpt.optimizer_steps, 0, 0
    ep_loss = ep_right = ep_items = 0.0
    started = time.monotonic()
    evaluated = data.validation if data.validation is not None and len(data.validation) else data.test
    try:
        while epoch < args.epochs and not (args.steps and taken >= args.steps):
            sampler.set_epoch(epoch)
            order = list(sampler)
            while pos < len(order) and not (args.steps and taken >= args.steps):
                t0 = time.perf_counter()
                idx = order[pos:pos + args.batch]
                x, y = data.batch(data.train, idx, train=True, place=epoch * len(data.train) + pos)
                x = torch.from_numpy(x).to(device, dtype)
                t = loss_fn.target(torch.from_numpy(y).to(device, dtype))
                lr = scheduled_lr(config.OPTIMIZER["lr"], step)
                for g in opt.param_groups:
                    g["lr"] = lr
                net.step = step
                opt.zero_grad(set_to_none=True)
                loss, right = loss_fn(trained(x, logits=True), t)
                value = float(loss)
                if not math.isfinite(value):
                    raise NonFiniteError(f"the loss is not finite at step {step + 1}", -1,
                                         "loss", "forward", step + 1)
                loss.backward()
                if config.OPTIMIZER["clip_norm"] > 0:
                    clip_gradients(params, config.OPTIMIZER["clip_norm"])
                opt.step()
                step, taken, opt_steps, pos = step + 1, taken + 1, opt_steps + 1, pos + len(idx)
                ms = (time.perf_counter() - t0) * 1000.0
                acc = float(right) / len(idx) if right is not None else None
                ep_loss, ep_items = ep_loss + value * len(idx), ep_items + len(idx)
                ep_right += float(right) if right is not None else 0.0
                log.step(step, epoch, value, acc, lr, ms, len(idx) * 1000.0 / ms if ms else 0.0)
            if pos >= len(order):  # the end of an epoch, validated as Gradscope does
                epoch, pos = epoch + 1, 0
                vl = va = None
                if evaluated is not None and len(evaluated):
                    vl, va, _, _ = evaluate(net, loss_fn, data, evaluated, args.batch, device,
                                            dtype, rank, world)
                ta = ep_right / ep_items if ep_items and loss_fn.classifies else None
                tl = ep_loss / ep_items if ep_items else 0.0
                log.epoch(epoch, step, time.monotonic() - started, tl, ta, vl, va)
                say(f"epoch {epoch:4d}/{args.epochs}  step {step:7d}  loss {tl:.4f}" +
                    (f"  acc {100 * ta:5.1f}%" if ta is not None else "") +
                    (f"  val loss {vl:.4f}" if vl is not None else "") +
                    (f"  acc {100 * va:5.1f}%" if va is not None else ""))
                ep_loss = ep_right = ep_items = 0.0
    except NonFiniteError as e:
        print(f"stopped: {e}", file=sys.stderr, flush=True)
        log.event(step + 1, "breakpoint", "nonfinite", 0.0, str(e))
        stop_code = 3
    w.remove()
    if rank == 0 and args.save:
        tensors = list(net.gradscope_state().items()) + optimizer_tensors(opt, net)
        save_checkpoint(args.save, tensors, json.dumps(spec, separators=(",", ":")),
                        step=step, epoch=epoch, epoch_position=min(pos * world, len(data.train)),
                        optimizer=config.OPTIMIZER["type"], optimizer_steps=opt_steps)
        say(f"saved checkpoint {args.save} at step {step}")
    if stop_code and world > 1:
        # The other ranks wait in a collective this rank will never join:
        # leave at once, and torchrun ends them.
        log.close()
        sys.stdout.flush()
        os._exit(stop_code)
    final = data.test if data.test is not None and len(data.test) else data.validation
    if final is not None and len(final) and stop_code == 0:
        name = "test" if final is data.test else "validation"
        fl, fa, n, right = evaluate(net, loss_fn, data, final, args.batch, device, dtype, rank,
                                    world)
        text = f"{config.NAME}: {name} split, {n} items, loss {fl:.6f}" + (
            f", accuracy {100 * fa:.4f}% ({right} right)" if fa is not None else "")
        if rank == 0:
            print(text, flush=True)
        log.event(step, "evaluation", f"{name}_accuracy" if fa is not None else f"{name}_loss",
                  fa if fa is not None else fl, text)
    log.close()
    if world > 1:
        # Leave together: a rank whose peer has already torn gloo down can wait
        # for it forever; and the DDP wrapper holds the process group until it goes.
        dist.barrier()
        del trained
        dist.destroy_process_group()
    return stop_code


if __name__ == "__main__":
    sys.exit(main())
