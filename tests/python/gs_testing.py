"""Shared by the Python tests that CTest runs (tests/export/CMakeLists.txt):
where the programs are, running them, exporting projects, importing an
exported project's modules, and relative differences.

Each test script takes --train (gradscope-train), --probe (gs_export_probe)
and --repo (the source tree), then unittest's own arguments.
"""
import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

_p = argparse.ArgumentParser(add_help=False)
_p.add_argument("--train", required=True)
_p.add_argument("--probe", required=True)
_p.add_argument("--repo", required=True)
ARGS, UNITTEST_ARGV = _p.parse_known_args()
UNITTEST_ARGV = [sys.argv[0]] + UNITTEST_ARGV
sys.path.insert(0, os.path.join(ARGS.repo, "python"))
FASHION = "/usr/share/datasets/fashion-mnist"
PYTHON = "/usr/bin/python3"
TORCHRUN = "/usr/bin/torchrun"  # Debian's, running /usr/bin/python3


def run(cmd, check=True, cwd=None, env=None):
    """Runs a command; returns (exit status, stdout + stderr)."""
    r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} exited {r.returncode}:\n{r.stdout}")
    return r.returncode, r.stdout


def torch_env(threads=None):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    return env


def tempdir(tag):
    return tempfile.mkdtemp(prefix=f"gs-{tag}-")


def preset(name):
    with open(os.path.join(ARGS.repo, "assets", "models", name + ".json")) as f:
        return json.load(f)


def write_spec(spec, directory, name="spec.json"):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        json.dump(spec, f)
    return path


def export(spec_path, directory, *extra):
    run([ARGS.train, "export", spec_path, "--to", "pytorch", directory, *extra])
    return directory


def import_project(directory, *names):
    """Imports modules of an exported project (a fresh copy each time)."""
    for n in ("config", "data", "data_files", "model", "train") + names:
        sys.modules.pop(n, None)
    sys.path.insert(0, directory)
    try:
        return [importlib.import_module(n) for n in names]
    finally:
        sys.path.remove(directory)


def read_log(path):
    """A run log as the project's C++ reader (read_run_log) sees it."""
    return json.loads(run([ARGS.probe, "log", path])[1])


def rel(a, b):
    """max |a - b| / max |b| (0 when both are 0)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    scale = np.abs(b).max() if b.size else 0.0
    d = np.abs(a - b).max() if b.size else 0.0
    return 0.0 if d == 0 else d / (scale if scale > 0 else 1.0)
