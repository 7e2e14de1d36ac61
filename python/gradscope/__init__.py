"""Gradscope for PyTorch: write Gradscope's run logs from any training loop.

    from gradscope import RunLog, watch
    log = RunLog("runs/a", spec=spec_dict)      # rank-N/ below it under DDP
    w = watch(model, log, every=10, optimizer=opt)
    ... log.step(step, epoch, loss, accuracy, lr) after each optimizer step ...

The monitor (gradscope-monitor runs/a) and the studio follow the log live.
Checkpoints in Gradscope's safetensors layout: gradscope.checkpoint.
"""
from .checkpoint import Checkpoint, CheckpointError, load_checkpoint, save_checkpoint
from .run_log import RunLog

_WATCH = ("watch", "Watch", "NonFiniteError", "describe_model", "layer_modules")


def __getattr__(name):
    # watch needs torch; RunLog and checkpoints need only numpy, so torch is
    # imported when watch is first used, not with the package.
    if name in _WATCH:
        import importlib
        return getattr(importlib.import_module(".layer_watch", __name__), name)
    raise AttributeError(f"module 'gradscope' has no attribute '{name}'")


__version__ = "0.1.0"
__all__ = ["RunLog", "watch", "Watch", "NonFiniteError", "describe_model", "layer_modules",
           "Checkpoint", "CheckpointError", "load_checkpoint", "save_checkpoint"]
