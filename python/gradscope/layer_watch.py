"""watch(model, log, every=N): Gradscope's per-layer statistics from any PyTorch loop.

The layers are the model's leaf modules in registration order (for a project
exported by gradscope-train, exactly the spec's layers). Every `every`
training steps (and at step 1) hooks record each layer's output (mean,
spread, dead ReLU units, saturated sigmoid/tanh outputs) and, at the end of
the backward pass, each layer's gradient; the "layers" record (the fields of
docs/run-log.md) follows the next step line written to the RunLog, with the
weight norms and update ratio taken then (after the optimizer's update, as
Gradscope does). Call log.step() after optimizer.step() and before the next
zero_grad().

Non-finite values: the model's output is checked every training step (one
reduction); on a watched step every layer's output and gradient is. A
NonFiniteError names the layer (0-based index in the layers, its module name
and class) and the pass. When the output of an unwatched step is non-finite,
the forward pass is run again with per-layer checks to find the layer; if
that layer's own weights are non-finite, a gradient of the step before put
them there, and the pass named is the backward one.
"""
import math

import torch
from torch import nn

from .run_log import RunLog

_SPEC_TYPES = {"Linear": "Dense", "Conv2d": "Conv2D", "MaxPool2d": "MaxPool2D",
               "AvgPool2d": "AvgPool2D", "Flatten": "Flatten", "ReLU": "ReLU",
               "LeakyReLU": "LeakyReLU", "Sigmoid": "Sigmoid", "Tanh": "Tanh", "GELU": "GELU",
               "Softmax": "Softmax", "Dropout": "Dropout", "BatchNorm1d": "BatchNorm",
               "BatchNorm2d": "BatchNorm"}


class NonFiniteError(FloatingPointError):
    """A NaN or infinity: .layer (0-based, or -1 for the input or the loss), .name,
    .pass_name ("forward" or "backward"), .step (1-based training step)."""

    def __init__(self, message, layer, name, pass_name, step):
        super().__init__(message)
        self.layer, self.name, self.pass_name, self.step = layer, name, pass_name, step


def _unwrap(model):
    inner = getattr(model, "module", None)
    if isinstance(inner, nn.Module) and type(model).__name__ in (
            "DistributedDataParallel", "DataParallel"):
        return inner
    return model


def layer_modules(model):
    """[(name, module)]: the leaf modules of a model, in order (the watched layers)."""
    model = _unwrap(model)
    leaves = [(n, m) for n, m in model.named_modules() if not list(m.children())]
    return leaves or [("", model)]


def spec_type(module):
    """The Gradscope layer type of a module, else its class name."""
    kind = getattr(module, "gradscope_type", None)
    return kind or _SPEC_TYPES.get(type(module).__name__, type(module).__name__)


def describe_model(model, name=None, input_shape=None):
    """A spec-like dict for the "run" record of a model Gradscope did not build."""
    layers = []
    for _, m in layer_modules(model):
        entry = {"type": spec_type(m)}
        if isinstance(m, nn.Linear):
            entry["units"] = m.out_features
        elif isinstance(m, nn.Conv2d):
            entry.update(filters=m.out_channels, kernel=m.kernel_size[0])
        layers.append(entry)
    return {"name": name or type(_unwrap(model)).__name__,
            "input": list(input_shape) if input_shape else [], "layers": layers}


def _first_tensor(x):
    if torch.is_tensor(x):
        return x
    if isinstance(x, (tuple, list)):
        for v in x:
            t = _first_tensor(v)
            if t is not None:
                return t
    return None


class Watch:
    """What watch() returns; remove() takes the hooks off again."""

    def __init__(self, model, log, every=10, optimizer=None, check_nonfinite=True):
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}")
        self.model = _unwrap(model)
        self.log = log
        self.every = int(every)
        self.optimizer = optimizer
        self.check_nonfinite = check_nonfinite
        self.layers = layer_modules(self.model)
        self.kinds = [spec_type(m) for _, m in self.layers]
        self.step = 0            # training forward passes seen
        self._active = False     # this forward pass is a training step
        self._watched = False    # ... whose statistics are taken
        self._diagnosing = False
        self._inputs = None
        self._layer_hooks = []
        self._acts = {}          # layer -> (stats tensor, output grad finite flag list)
        self._pending = None     # statistics of a finished backward pass, not yet written
        self._handles = [self.model.register_forward_pre_hook(self._pre),
                         self.model.register_forward_hook(self._post)]
        log.watchers.append(self)

    def remove(self):
        for h in self._handles + self._layer_hooks:
            h.remove()
        self._handles, self._layer_hooks = [], []
        if self in self.log.watchers:
            self.log.watchers.remove(self)

    def _label(self, i):
        name, m = self.layers[i]
        return f"layer {i + 1} ({name or 'model'}: {type(m).__name__})"

    # -- forward ------------------------------------------------------------
    def _pre(self, module, inputs):
        if self._diagnosing:
            return
        self._active = module.training and torch.is_grad_enabled()
        if not self._active:
            return
        if self._pending is not None:  # the loop did not log the last watched step
            lr = self.optimizer.param_groups[0]["lr"] if self.optimizer else 0.0
            self._write_pending(self.log, self._pending[0], lr)
        self.step += 1
        self._inputs = inputs
        self._watched = self.step == 1 or self.step % self.every == 0
        if self._watched:
            self._acts = {}
            self._layer_hooks = [m.register_forward_hook(self._layer_hook(i))
                                 for i, (_, m) in enumerate(self.layers)]

    def _layer_hook(self, i):
        kind = self.kinds[i]

        def hook(module, inputs, output):
            out = _first_tensor(output)
            if out is None or not out.is_floating_point():
                return
            o = out.detach()
            mean = o.mean()  # spread as Gradscope computes it: sqrt(E[x^2] - E[x]^2)
            std = ((o * o).mean() - mean * mean).clamp_min(0).sqrt()
            minus = torch.full_like(mean, -1.0)
            dead = (o.reshape(o.shape[0], -1) <= 0).all(dim=0).to(mean.dtype).mean() \
                if kind == "ReLU" and o.dim() >= 2 else minus
            lo, hi = (0.01, 0.99) if kind == "Sigmoid" else (-0.99, 0.99)
            sat = ((o <= lo) | (o >= hi)).to(mean.dtype).mean() \
                if kind in ("Sigmoid", "Tanh") else minus
            grad_ok = []
            if out.requires_grad:
                out.register_hook(lambda g: grad_ok.append(torch.isfinite(g).all()))
            self._acts[i] = (torch.stack([mean, std, dead, sat]), grad_ok)
        return hook

    def _post(self, module, inputs, output):
        if self._diagnosing or not self._active:
            return
        for h in self._layer_hooks:
            h.remove()
        self._layer_hooks = []
        out = _first_tensor(output)
        if self.check_nonfinite and out is not None and \
                not math.isfinite(float(out.detach().sum())):
            self._forward_failed()
        if self._watched and out is not None and out.requires_grad:
            out.register_hook(self._output_grad)

    def _forward_failed(self):
        """Finds the first layer whose output is not finite, and raises."""
        x = _first_tensor(self._inputs)
        if x is not None and x.is_floating_point() and not bool(torch.isfinite(x).all()):
            raise NonFiniteError(f"the input batch of step {self.step} holds non-finite values",
                                 -1, "input", "forward", self.step)
        bad = None
        if self._watched:
            stats = {i: s for i, (s, _) in self._acts.items()}
            for i in sorted(stats):
                if not bool(torch.isfinite(stats[i][:2]).all()):
                    bad = i
                    break
        else:  # run the step again with per-layer checks, leaving the buffers as they were
            saved = [b.detach().clone() for b in self.model.buffers()]
            found = []
            hooks = [m.register_forward_hook(
                lambda mod, i_, o, k=k: found.append(k) if (
                    _first_tensor(o) is not None and
                    not bool(torch.isfinite(_first_tensor(o)).all())) else None)
                for k, (_, m) in enumerate(self.layers)]
            self._diagnosing = True
            try:
                with torch.no_grad():
                    self.model(*self._inputs)
            finally:
                self._diagnosing = False
                for h in hooks:
                    h.remove()
                with torch.no_grad():
                    for b, s in zip(self.model.buffers(), saved):
                        b.copy_(s)
            bad = min(found) if found else None
        if bad is None:
            raise NonFiniteError(f"the model's output is not finite at step {self.step}",
                                 len(self.layers) - 1, "output", "forward", self.step)
        name, module = self.layers[bad]
        own = [p for p in module.parameters(recurse=False)]
        if any(not bool(torch.isfinite(p).all()) for p in own):
            raise NonFiniteError(
                f"the weights of {self._label(bad)} are not finite at step {self.step}: the "
                f"update after step {self.step - 1} applied a non-finite gradient from the "
                f"backward pass", bad, name, "backward", self.step - 1)
        raise NonFiniteError(
            f"a non-finite value appeared in the forward pass at {self._label(bad)}, "
            f"step {self.step}", bad, name, "forward", self.step)

    # -- backward -----------------------------------------------------------
    def _output_grad(self, grad):
        torch.autograd.Variable._execution_engine.queue_callback(self._backward_done)

    def _backward_done(self):
        """End of a watched backward pass: gradient statistics and checks."""
        rows, finite = {}, []
        for i, (name, m) in enumerate(self.layers):
            params = [p for p in m.parameters(recurse=False) if p.grad is not None]
            if not params:
                continue
            g = params[0].grad.detach()
            a = g.abs()
            rows[i] = (torch.stack([g.norm(), a.mean(), a.max()]), [p.grad for p in params])
            finite.append((i, torch.stack([torch.isfinite(p.grad).all() for p in params]).all()))
        flags = {i: f for i, f in finite}
        for i, (_, ok) in self._acts.items():
            if ok:
                flags[-(i + 1)] = ok[0]  # output gradient of layer i
        if self.check_nonfinite and flags:
            keys = list(flags)
            values = torch.stack([flags[k] for k in keys]).tolist()
            state = dict(zip(keys, values))
            top = max(self._acts) if self._acts else len(self.layers) - 1
            if state.get(-(top + 1), True) is False:
                raise NonFiniteError(
                    f"the loss gives a non-finite gradient (backward pass), step {self.step}",
                    -1, "loss", "backward", self.step)
            # Backward order: the layer whose backward made its input's or its own
            # weights' gradient non-finite while its output's gradient was finite.
            for i in sorted(self._acts, reverse=True):
                in_bad = i > 0 and state.get(-i, True) is False
                if state.get(i, True) is False or in_bad:
                    raise NonFiniteError(
                        f"a non-finite value appeared in the backward pass at "
                        f"{self._label(i)}, step {self.step}", i, self.layers[i][0], "backward",
                        self.step)
        self._pending = (self.step, rows, {i: s for i, (s, _) in self._acts.items()})
        self._acts = {}

    def _write_pending(self, log, step, lr):
        """Writes the statistics of the last watched step as a "layers" record."""
        if self._pending is None:
            return
        _, rows, acts = self._pending
        self._pending = None
        if self.optimizer is not None:
            lr = self.optimizer.param_groups[0]["lr"]
        order = sorted(set(rows) | set(acts))
        parts = []
        for i in order:
            if i in rows:
                w = next(self.layers[i][1].parameters(recurse=False)).detach()
                parts += [w.norm().reshape(1), rows[i][0]]
            if i in acts:
                parts.append(acts[i])
        values = torch.cat([p.double().cpu() for p in parts]).tolist() if parts else []
        out, k = [], 0
        for i in order:
            s = {"layer": i}
            if i in rows:
                wn, gn, gm, gx = values[k:k + 4]
                k += 4
                s.update(weight_norm=wn, grad_norm=gn, grad_mean_abs=gm, grad_max_abs=gx,
                         update_ratio=lr * gn / wn if wn > 0 else 0.0)
            if i in acts:
                mean, std, dead, sat = values[k:k + 4]
                k += 4
                s.update(act_mean=mean, act_std=std)
                if dead >= 0:
                    s["dead_fraction"] = dead
                if sat >= 0:
                    s["saturated_fraction"] = sat
            out.append(s)
        log.layers(step, out)


def watch(model, log_dir, every=10, optimizer=None, check_nonfinite=True, all_ranks=False):
    """Hooks a model so that its per-layer statistics go into a run log.

    log_dir: a RunLog, or a directory (a RunLog is opened there, rank-N/ under
    DDP). optimizer: where the learning rate of the update ratio comes from
    (else the lr given to RunLog.step). Returns a Watch (its .log is the RunLog)."""
    log = log_dir if isinstance(log_dir, RunLog) else RunLog(
        log_dir, spec=describe_model(model), all_ranks=all_ranks)
    return Watch(model, log, every=every, optimizer=optimizer, check_nonfinite=check_nonfinite)
