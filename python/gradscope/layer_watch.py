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
reduction), and on a watched step every parameter's gradient and the loss's
gradient. A NonFiniteError names the layer (0-based index in the layers, its
module name and class) and the pass. When a step's output is not finite, the
forward pass is run again with per-layer checks to find the layer; if that
layer's own weights are not finite, a gradient of the step before put them
there (between two watched steps), and the pass named is the backward one of
that step.
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


def _sq(t, dtype=None):
    """The sum of squares of a tensor's values: one BLAS dot product (torch's
    vector norms other than L2 are several times slower on the CPU)."""
    v = t.reshape(-1)
    if dtype is not None and v.dtype != dtype:
        v = v.to(dtype)
    return torch.dot(v, v)


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
    """What watch() returns; remove() takes the hooks off again.

    Cost: two hooks on the model every step (the output's finiteness: one
    reduction); on a watched step (every `every` steps, and only when the log
    will write its record: at most one per RunLog.min_layers_interval) a few
    reductions per layer and parameter, one device synchronization at the end
    of its backward pass and one when its record is written."""

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
        self.params = [list(m.parameters(recurse=False)) for _, m in self.layers]
        self.step = 0            # training forward passes seen
        self._active = False     # this forward pass is a training step
        self._watched = False    # ... whose statistics are taken and gradients checked
        self._diagnosing = False
        self._inputs = None
        self._layer_hooks = []
        self._acts = {}          # layer -> [0-d tensors]: mean, variance[, alive or saturated count]
        self._out_grad = []      # the gradient reaching the model's output
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
        # Statistics (and the gradients' check) every `every` steps, when the log
        # will write them: at most one sample per RunLog.min_layers_interval.
        self._watched = (self.step == 1 or self.step % self.every == 0) and \
            self.log.wants_layers()
        if self._watched:
            self._acts = {}
            self._layer_hooks = [m.register_forward_hook(self._layer_hook(i))
                                 for i, (_, m) in enumerate(self.layers)]

    def _layer_hook(self, i):
        kind = self.kinds[i]
        lo, hi = (0.01, 0.99) if kind == "Sigmoid" else (-0.99, 0.99)

        def hook(module, inputs, output):
            out = _first_tensor(output)
            if out is None or not out.is_floating_point():
                return
            o = out.detach()
            # Mean and root of the sum of squares: two vectorized passes (var_mean
            # is several times slower on the CPU); spread = sqrt(E[x^2] - E[x]^2).
            f = torch.float32 if o.dtype != torch.float64 else o.dtype
            vals = [o.mean(dtype=f), _sq(o, f)]
            if kind == "ReLU" and o.dim() >= 2:  # units above 0 for some item
                vals.append((o.reshape(o.shape[0], -1).amax(0) > 0).sum(dtype=f))
            elif kind in ("Sigmoid", "Tanh"):
                vals.append(((o <= lo) | (o >= hi)).sum(dtype=f))
            self._acts[i] = (vals, o[0].numel(), o.numel())
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
            self._out_grad = []
            out.register_hook(self._output_grad)

    def _forward_failed(self):
        """Finds the first layer whose output is not finite, and raises."""
        x = _first_tensor(self._inputs)
        if x is not None and x.is_floating_point() and not bool(torch.isfinite(x).all()):
            raise NonFiniteError(f"the input batch of step {self.step} holds non-finite values",
                                 -1, "input", "forward", self.step)
        # Run the step again with per-layer checks, leaving the buffers as they were.
        saved = [b.detach().clone() for b in self.model.buffers()]
        found = []

        def check(k):
            def hook(mod, inputs, output):
                o = _first_tensor(output)
                if o is not None and o.is_floating_point() and not bool(torch.isfinite(o).all()):
                    found.append(k)
            return hook
        hooks = [m.register_forward_hook(check(k)) for k, (_, m) in enumerate(self.layers)]
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
        if not found:
            raise NonFiniteError(f"the model's output is not finite at step {self.step}",
                                 len(self.layers) - 1, "output", "forward", self.step)
        bad = min(found)
        name = self.layers[bad][0]
        if any(not bool(torch.isfinite(p).all()) for p in self.params[bad]):
            raise NonFiniteError(
                f"the weights of {self._label(bad)} are not finite at step {self.step}: the "
                f"update after step {self.step - 1} applied a non-finite gradient from the "
                f"backward pass", bad, name, "backward", self.step - 1)
        raise NonFiniteError(
            f"a non-finite value appeared in the forward pass at {self._label(bad)}, "
            f"step {self.step}", bad, name, "forward", self.step)

    # -- backward -----------------------------------------------------------
    def _output_grad(self, grad):
        self._out_grad.append(grad.detach())
        torch.autograd.Variable._execution_engine.queue_callback(self._backward_done)

    def _backward_done(self):
        """End of a watched backward pass: every gradient's sum of squares (the
        check) and each layer's first parameter's summary."""
        checks, owners, rows = [], [], {}
        if self._out_grad:
            checks.append(self._out_grad[0].sum())
            owners.append(-1)
        for i, params in enumerate(self.params):
            grads = [p.grad.detach() for p in params if p.grad is not None]
            if not grads:
                continue
            squares = [_sq(g) for g in grads]
            checks += squares
            owners += [i] * len(squares)
            g = grads[0]  # sum of squares, mean |g|, min and max
            rows[i] = [squares[0], g.abs().sum() / g.numel(), *torch.aminmax(g)]
        self._out_grad = []
        if self.check_nonfinite and checks:
            values = torch.stack(checks).tolist()
            bad = {o for o, v in zip(owners, values) if not math.isfinite(v)}
            if -1 in bad:
                raise NonFiniteError(
                    f"the loss gives a non-finite gradient (backward pass), step {self.step}",
                    -1, "loss", "backward", self.step)
            # A sum of squares can overflow on finite values: look at the values.
            bad = [i for i in bad if any(not bool(torch.isfinite(p.grad).all())
                                         for p in self.params[i] if p.grad is not None)]
            if bad:  # backward order: the layer nearest the output came first
                i = max(bad)
                raise NonFiniteError(
                    f"a non-finite value appeared in the backward pass at {self._label(i)}, "
                    f"step {self.step}", i, self.layers[i][0], "backward", self.step)
        self._pending = (self.step, rows, self._acts)
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
                parts += [_sq(self.params[i][0].detach())] + rows[i]
            if i in acts:
                parts += acts[i][0]
        dtype = torch.float64 if any(p.dtype == torch.float64 for p in parts) else torch.float32
        values = torch.stack([p.to(dtype) for p in parts]).tolist() if parts else []
        out, k = [], 0
        for i in order:
            s = {"layer": i}
            if i in rows:
                w2, g2, gm, lo, hi = values[k:k + 5]
                k += 5
                wn, gn = math.sqrt(w2), math.sqrt(g2)
                s.update(weight_norm=wn, grad_norm=gn, grad_mean_abs=gm,
                         grad_max_abs=max(abs(lo), abs(hi)),
                         update_ratio=lr * gn / wn if wn > 0 else 0.0)
            if i in acts:
                vals, features, count = acts[i]
                mean, squares = values[k:k + 2]
                var = squares / count - mean * mean
                s.update(act_mean=mean, act_std=math.sqrt(max(var, 0.0)) if math.isfinite(var) else var)
                if len(vals) == 3 and self.kinds[i] == "ReLU":
                    s["dead_fraction"] = 1.0 - values[k + 2] / features
                elif len(vals) == 3:
                    s["saturated_fraction"] = values[k + 2] / count
                k += len(vals)
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
