"""RunLog: Gradscope's run-log contract (docs/run-log.md) written from Python.

A run directory holds run.jsonl (one JSON object a line: the run, its steps,
epochs, events and per-layer statistics) and epochs.csv. The monitor and the
studio follow these files live, exactly as they follow `gradscope-train --log`.
Step lines closer together than `min_step_interval` seconds are merged (mean
loss and accuracy, the count in "merged"); 0 writes every step.

Under torch.distributed with more than one process, each rank writes its own
directory `ROOT/rank-N/`; only rank 0 writes unless `all_ranks` is true (the
others get a log that writes nothing).
"""
import datetime
import json
import math
import os
import time

import numpy as np

FORMAT = "gradscope-run-1"
_CSV_HEADER = "epoch,step,seconds,train_loss,train_accuracy,val_loss,val_accuracy\n"


def _f32(v):
    """The shortest text that reads back as the same float32 (e.g. 0.1, 2.5e-05)."""
    return str(np.float32(v))


def _nonfinite_name(v):
    return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")


def _number(fields, key, value, as_float32=True, nf_key=None):
    """Appends key: value; a non-finite value is null with its *_nonfinite companion."""
    value = float(value)
    if math.isfinite(value):
        fields.append(f'"{key}":{_f32(value) if as_float32 else repr(value)}')
    else:
        fields.append(f'"{key}":null')
        fields.append(f'"{nf_key or key + "_nonfinite"}":"{_nonfinite_name(value)}"')


def _csv_cell(value, as_float32=True):
    if value is None:
        return ""
    value = float(value)
    if not math.isfinite(value):
        return _nonfinite_name(value)
    return _f32(value) if as_float32 else repr(value)


def distributed_rank():
    """(rank, world size) under an initialized torch.distributed, else (0, 1)."""
    try:
        import torch.distributed as dist
        if dist.is_available() and dist.is_initialized():
            return dist.get_rank(), dist.get_world_size()
    except ImportError:
        pass
    return 0, 1


class RunLog:
    """Writes one run directory. Use as a context manager, or call close()."""

    def __init__(self, log_dir, spec=None, backend="pytorch", all_ranks=False,
                 min_step_interval=0.010, min_layers_interval=0.100, run_id=None, name=None,
                 parent_run_id=None, parent_name=None, fork_step=None, changes=None):
        """log_dir: the run directory, or the root of rank-N/ directories under DDP
        (None: a log that writes nothing).
        spec: the model spec (a dict or JSON text; see docs/model-spec.md), or None.
        run_id, name: the run's identity in the "run" record (optional). For a run
        forked from another (docs/run-log.md): parent_run_id, parent_name, fork_step
        and changes, a list of (name, old, new) or of {"name", "old", "new"}."""
        rank, world = distributed_rank()
        self.rank = rank
        self.enabled = log_dir is not None and (world == 1 or rank == 0 or all_ranks)
        self.dir = os.path.join(log_dir, f"rank-{rank}") if world > 1 and log_dir else log_dir
        self.min_step_interval = min_step_interval
        self.min_layers_interval = min_layers_interval
        self.watchers = []  # Watch objects whose pending statistics follow each step line
        self._pending = None
        self._loss_sum = self._acc_sum = 0.0
        self._merged = 0
        self._last_step_line = None
        self._last_layers_line = None
        self._jsonl = self._csv = None
        if not self.enabled:
            return
        os.makedirs(self.dir, exist_ok=True)
        paths = [os.path.join(self.dir, n) for n in ("run.jsonl", "epochs.csv")]
        for p in paths:  # a new file (a new inode), so followers of an old run notice
            if os.path.exists(p):
                os.remove(p)
        self._jsonl = open(paths[0], "w", encoding="utf-8")
        self._csv = open(paths[1], "w", encoding="utf-8")
        if isinstance(spec, str):
            spec = json.loads(spec)
        now = datetime.datetime.now(datetime.timezone.utc)
        run = {"type": "run", "format": FORMAT,
               "time": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
               "backend": backend, "spec": spec if spec is not None else {}}
        if run_id is not None:
            run["run_id"] = str(run_id)
        if name is not None:
            run["name"] = str(name)
        if fork_step is not None or parent_run_id is not None:
            if parent_run_id is not None:
                run["parent_run_id"] = str(parent_run_id)
            if parent_name is not None:
                run["parent_name"] = str(parent_name)
            run["fork_step"] = int(fork_step if fork_step is not None else 0)
            run["changes"] = [c if isinstance(c, dict) else
                              {"name": str(c[0]), "old": str(c[1]), "new": str(c[2])}
                              for c in (changes or [])]
        self._line(json.dumps(run, separators=(",", ":"), ensure_ascii=False))
        self._csv.write(_CSV_HEADER)
        self.flush()

    # -- records ----------------------------------------------------------
    def step(self, step, epoch, loss, accuracy=None, lr=0.0, step_ms=0.0, samples_per_s=0.0):
        """One training step: step is 1-based (counted after the step), epoch 0-based;
        accuracy None for regression."""
        if not self.enabled:
            return
        self._pending = (int(step), int(epoch), accuracy is not None, float(lr),
                         float(step_ms), float(samples_per_s))
        self._loss_sum += float(loss)
        if accuracy is not None:
            self._acc_sum += float(accuracy)
        self._merged += 1
        now = time.monotonic()
        if self._last_step_line is None or now - self._last_step_line >= self.min_step_interval:
            self._flush_merged()
            self._last_step_line = now
            if now - self._last_flush >= 1.0:
                self.flush()
        for w in self.watchers:  # statistics of this step come after its line
            w._write_pending(self, int(step), float(lr))

    def epoch(self, epoch, step, seconds, train_loss, train_accuracy=None, val_loss=None,
              val_accuracy=None):
        """The end of an epoch: epoch is 1-based (the epoch just finished)."""
        if not self.enabled:
            return
        self._flush_merged()
        f = ['"type":"epoch"', f'"epoch":{int(epoch)}', f'"step":{int(step)}']
        _number(f, "seconds", seconds, as_float32=False)
        _number(f, "train_loss", train_loss)
        if train_accuracy is not None:
            _number(f, "train_accuracy", train_accuracy)
        if val_loss is not None:
            _number(f, "val_loss", val_loss)
            if val_accuracy is not None:
                _number(f, "val_accuracy", val_accuracy)
        self._line("{" + ",".join(f) + "}")
        row = [str(int(epoch)), str(int(step)), _csv_cell(seconds, False), _csv_cell(train_loss),
               _csv_cell(train_accuracy), _csv_cell(val_loss),
               _csv_cell(val_accuracy if val_loss is not None else None)]
        self._csv.write(",".join(row) + "\n")
        self.flush()

    def event(self, step, kind, name="", value=0.0, text=""):
        """Something that happened: kind for programs ("breakpoint", "state", ...), text for people."""
        if not self.enabled:
            return
        self._flush_merged()
        rec = {"type": "event", "step": int(step), "kind": kind, "name": name}
        value = float(value)
        if math.isfinite(value):
            rec["value"] = value
        else:
            rec["value"] = None
            rec["value_nonfinite"] = _nonfinite_name(value)
        rec["text"] = text
        self._line(json.dumps(rec, separators=(",", ":"), ensure_ascii=False))
        self.flush()

    def wants_layers(self):
        """Whether a "layers" record given now would be written (min_layers_interval)."""
        return self.enabled and (self._last_layers_line is None or
                                 time.monotonic() - self._last_layers_line >= self.min_layers_interval)

    def layers(self, step, layers):
        """Per-layer statistics at one step: a list of dicts with the fields of
        docs/run-log.md ("layer" first). At most one line per min_layers_interval."""
        if not self.enabled:
            return
        now = time.monotonic()
        if self._last_layers_line is not None and \
                now - self._last_layers_line < self.min_layers_interval:
            return
        self._last_layers_line = now
        self._flush_merged()
        parts = []
        for s in layers:
            f = [f'"layer":{int(s["layer"])}']
            for key in ("weight_norm", "grad_norm", "grad_mean_abs", "grad_max_abs",
                        "update_ratio", "act_mean", "act_std", "dead_fraction",
                        "saturated_fraction"):
                if s.get(key) is not None:
                    _number(f, key, s[key])
            parts.append("{" + ",".join(f) + "}")
        self._line('{"type":"layers","step":' + str(int(step)) + ',"layers":[' +
                   ",".join(parts) + "]}")

    # -- files ------------------------------------------------------------
    def _line(self, text):
        self._jsonl.write(text + "\n")

    def _flush_merged(self):
        if not self._merged:
            return
        step, epoch, has_acc, lr, step_ms, sps = self._pending
        n = float(self._merged)
        f = ['"type":"step"', f'"step":{step}', f'"epoch":{epoch}']
        _number(f, "loss", self._loss_sum / n, nf_key="nonfinite")
        if has_acc:
            _number(f, "accuracy", self._acc_sum / n)
        _number(f, "lr", lr)
        _number(f, "step_ms", step_ms)
        _number(f, "samples_per_s", sps)
        f.append(f'"merged":{self._merged}')
        self._loss_sum = self._acc_sum = 0.0
        self._merged = 0
        self._line("{" + ",".join(f) + "}")

    def flush(self):
        """Writes merged steps and flushes both files (pause, stop, close)."""
        if not self.enabled:
            return
        self._flush_merged()
        self._jsonl.flush()
        self._csv.flush()
        self._last_flush = time.monotonic()

    def close(self):
        if self._jsonl is not None:
            self.flush()
            self._jsonl.close()
            self._csv.close()
            self._jsonl = self._csv = None
            self.enabled = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
