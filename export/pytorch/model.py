"""@NAME@ as a PyTorch nn.Module, written by `gradscope-train export`.

Layer i of `Net.layers` is layer i of the Gradscope spec (0-based), so the
checkpoint names are the same on both sides ("layers.0.weight"; BatchNorm's
weight and bias are Gradscope's gamma and beta). Everything here is PyTorch's
own arithmetic, set up as Gradscope's: AvgPool2D leaves the zero padding out
of its count, BatchNorm's momentum and eps mean what they mean in PyTorch, and
Dropout draws its mask from Gradscope's counter-based generator (seed, step,
layer, element), so a run here drops the same units Gradscope would.
"""
import numpy as np
import torch
from torch import nn

# -- Gradscope's counter-based random numbers, on int64 tensors ---------------
_M64 = (1 << 64) - 1


def _s64(v):
    """A uint64 constant as the int64 with the same bits."""
    v &= _M64
    return v - (1 << 64) if v >= 1 << 63 else v


def _shr(z, k):
    """Logical right shift of int64 tensors holding uint64 bits."""
    return (z >> k) & ((1 << (64 - k)) - 1)


def _mix64(z):
    z = z + _s64(0x9E3779B97F4A7C15)
    z = (z ^ _shr(z, 30)) * _s64(0xBF58476D1CE4E5B9)
    z = (z ^ _shr(z, 27)) * _s64(0x94D049BB133111EB)
    return z ^ _shr(z, 31)


def _mix64_int(z):
    z = (z + 0x9E3779B97F4A7C15) & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


class GradscopeDropout(nn.Module):
    """Inverted dropout with Gradscope's mask: element i of the batch at step s is
    dropped when uniform(seed ^ mix64(layer), s, i) < rate, kept ones scaled by
    1 / (1 - rate). Identity in evaluation. Under DDP, ranks other than 0 fold
    their rank into the seed so that they drop different units."""

    gradscope_type = "Dropout"

    def __init__(self, rate, layer, seed):
        super().__init__()
        self.rate, self.layer, self.seed = float(np.float32(rate)), layer, seed
        self.step = 0  # the global step before this one (Net.forward sets it)
        self.rank = 0

    def forward(self, x):
        if not self.training or self.rate <= 0:
            return x
        seed = self.seed ^ _mix64_int(self.layer)
        if self.rank:
            seed ^= _mix64_int(0xD15 + self.rank)
        n = x.numel()
        index = torch.arange(n, device=x.device, dtype=torch.int64)
        h = _mix64(_s64(seed) ^ _mix64(index + _s64(self.step * 0x632BE59BD9B4E019)))
        u = _shr(h, 40).to(torch.float32) * (1.0 / 16777216.0)
        keep = np.float32(1.0) - np.float32(self.rate)
        scale = float(np.float32(1.0) / keep) if keep > 0 else 0.0
        mask = torch.where(u < self.rate, torch.zeros((), device=x.device),
                           torch.full((), scale, device=x.device)).to(x.dtype)
        return x * mask.reshape(x.shape)

    def extra_repr(self):
        return f"rate={self.rate}, layer={self.layer}"


# Torch names -> Gradscope names, where they differ.
_GRADSCOPE_NAMES = {nn.BatchNorm1d: {"weight": "gamma", "bias": "beta"},
                    nn.BatchNorm2d: {"weight": "gamma", "bias": "beta"}}


class GradscopeNet(nn.Module):
    """Runs the layers in order; logits=True skips a final layer that Gradscope
    folds into its loss in training (Softmax with cross-entropy, Sigmoid with
    binary cross-entropy)."""

    input_shape = ()
    fused_last = False

    def __init__(self):
        super().__init__()
        self.step = 0  # the global step before this one (for Dropout's masks)

    def forward(self, x, logits=False):
        x = x.reshape(x.shape[0], *self.input_shape)
        last = len(self.layers) - (1 if logits and self.fused_last else 0)
        for i in range(last):
            layer = self.layers[i]
            if isinstance(layer, GradscopeDropout):
                layer.step = self.step
            x = layer(x)
        return x

    def set_rank(self, rank):
        for layer in self.layers:
            if isinstance(layer, GradscopeDropout):
                layer.rank = rank

    def gradscope_tensors(self):
        """[(Gradscope name, tensor)]: every parameter, then every buffer, in
        Gradscope's order (its checkpoint's first tensors)."""
        params, buffers = [], []
        for i, layer in enumerate(self.layers):
            names = _GRADSCOPE_NAMES.get(type(layer), {})
            for n, t in layer.named_parameters(recurse=False):
                params.append((f"layers.{i}.{names.get(n, n)}", t))
            for n, t in layer.named_buffers(recurse=False):
                if n in ("running_mean", "running_var"):
                    buffers.append((f"layers.{i}.{n}", t))
        return params + buffers

    def load_gradscope(self, tensors):
        """Copies weights and buffers from a Gradscope checkpoint's tensors (name ->
        numpy array); a missing or misshapen tensor is named in the error."""
        with torch.no_grad():
            for name, t in self.gradscope_tensors():
                if name not in tensors:
                    raise KeyError(f"the checkpoint has no tensor '{name}'")
                a = tensors[name]
                if tuple(a.shape) != tuple(t.shape):
                    raise ValueError(f"tensor '{name}' is {list(a.shape)} in the checkpoint but "
                                     f"{list(t.shape)} in the model")
                t.copy_(torch.from_numpy(np.ascontiguousarray(a)).to(t.dtype))

    def gradscope_state(self):
        """{Gradscope name: float32 numpy array} of the weights and buffers."""
        return {n: t.detach().to("cpu", torch.float32).numpy().copy()
                for n, t in self.gradscope_tensors()}


# @NET@


def build():
    return Net()
