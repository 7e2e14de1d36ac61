"""The gradscope Python package (python/): its run logs parse with the
project's own C++ reader (read_run_log, through gs_export_probe) and say what
was written; watch() adds per-layer statistics equal to a recomputation; a NaN
injected into a layer, forward or backward, raises NonFiniteError naming that
layer and pass; the package installs offline with pip.
"""
import math
import os
import shutil
import subprocess
import sys
import unittest

import numpy as np
import torch
from torch import nn

import gs_testing as T
from gradscope import NonFiniteError, RunLog, watch


def f32(x):
    return float(np.float32(x))


class RunLogRecords(unittest.TestCase):
    def test_every_record_parses_with_the_cpp_reader(self):
        d = T.tempdir("runlog")
        spec = {"name": "tiny", "input": [3], "layers": [{"type": "Dense", "units": 2}]}
        with RunLog(d, spec=spec, backend="pytorch-cpu", min_step_interval=0,
                    min_layers_interval=0) as log:
            log.step(1, 0, 0.75, 0.5, 0.1, 2.5, 1000.0)
            log.step(2, 0, float("nan"), None, 0.1, 2.5, 1000.0)
            log.layers(2, [{"layer": 0, "weight_norm": 1.5, "grad_norm": float("inf"),
                            "grad_mean_abs": 0.25, "grad_max_abs": 0.5, "update_ratio": 0.01,
                            "act_mean": 0.1, "act_std": 0.9},
                           {"layer": 1, "act_mean": 0.2, "act_std": 0.3, "dead_fraction": 0.125}])
            log.epoch(1, 2, 0.5, 0.6, 0.75, val_loss=float("-inf"), val_accuracy=0.25)
            log.event(2, "breakpoint", "nonfinite", float("nan"), "a text with \"quotes\" ✓")
        got = T.read_log(os.path.join(d, "run.jsonl"))
        self.assertEqual(got["garbage_lines"], 0)
        self.assertFalse(got["partial_last_line"])
        self.assertEqual(got["backend"], "pytorch-cpu")
        self.assertEqual(got["spec"]["name"], "tiny")
        s = got["steps"]
        self.assertEqual([x["step"] for x in s], [1, 2])
        self.assertEqual((s[0]["loss"], s[0]["accuracy"], s[0]["lr"]), (0.75, 0.5, f32(0.1)))
        self.assertEqual((s[1]["loss"], s[1]["accuracy"]), ("nan", -1))
        self.assertEqual([x["merged"] for x in s], [1, 1])
        layers = got["layers"]
        self.assertEqual([(x["step"], x["layer"], x["has_weights"]) for x in layers],
                         [(2, 0, True), (2, 1, False)])
        self.assertEqual((layers[0]["weight_norm"], layers[0]["grad_norm"]), (1.5, "inf"))
        self.assertEqual((layers[1]["dead_fraction"], layers[1]["saturated_fraction"]), (0.125, -1))
        e = got["epochs"][0]
        self.assertEqual((e["epoch"], e["step"], e["train_loss"], e["val_loss"], e["val_accuracy"]),
                         (1, 2, f32(0.6), "-inf", 0.25))
        ev = got["events"][0]
        self.assertEqual((ev["kind"], ev["name"], ev["value"], ev["text"]),
                         ("breakpoint", "nonfinite", "nan", "a text with \"quotes\" ✓"))
        with open(os.path.join(d, "epochs.csv")) as f:
            self.assertEqual(f.read().splitlines()[1], "1,2,0.5,0.6,0.75,-inf,0.25")
        shutil.rmtree(d)

    def test_merged_steps_add_up(self):
        d = T.tempdir("merged")
        log = RunLog(d, min_step_interval=3600)  # everything after the first step merges
        for i in range(1, 101):
            log.step(i, i // 40, 1.0 + i, 0.5, 0.01)
        log.epoch(1, 40, 0.1, 0.5)  # writes the pending steps first, in order
        log.close()
        got = T.read_log(os.path.join(d, "run.jsonl"))
        self.assertEqual(sum(x["merged"] for x in got["steps"]), 100)
        self.assertEqual(got["steps"][0]["merged"], 1)
        last = got["steps"][-1]
        self.assertEqual(last["step"], 100)
        self.assertAlmostEqual(last["loss"], np.mean([1.0 + i for i in range(101 - last["merged"], 101)]), 4)
        shutil.rmtree(d)


def small_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 8), nn.Tanh(),
                         nn.Linear(8, 3))


class Watching(unittest.TestCase):
    def setUp(self):
        self.dir = T.tempdir("watch")
        self.net = small_net()
        self.opt = torch.optim.SGD(self.net.parameters(), lr=0.1)
        self.log = RunLog(self.dir, min_step_interval=0, min_layers_interval=0)
        self.w = watch(self.net, self.log, every=3, optimizer=self.opt)
        g = torch.Generator().manual_seed(1)
        self.x, self.y = torch.randn(32, 4, generator=g), torch.randint(0, 3, (32,), generator=g)

    def tearDown(self):
        self.w.remove()
        self.log.close()
        shutil.rmtree(self.dir)

    def step(self, s):
        self.opt.zero_grad()
        loss = nn.functional.cross_entropy(self.net(self.x), self.y)
        loss.backward()
        self.opt.step()
        self.log.step(s, 0, loss.item(), 0.5, 0.1)

    def test_layers_records_equal_a_recomputation(self):
        for s in range(1, 7):
            self.step(s)
        self.log.flush()
        got = T.read_log(os.path.join(self.dir, "run.jsonl"))
        self.assertEqual(sorted({x["step"] for x in got["layers"]}), [1, 3, 6])
        at6 = {x["layer"]: x for x in got["layers"] if x["step"] == 6}
        self.assertEqual(sorted(at6), [0, 1, 2, 3, 4])
        # Recompute step 6's statistics: the weights before it, its gradient, after it.
        net = small_net()
        opt = torch.optim.SGD(net.parameters(), lr=0.1)
        for s in range(1, 7):
            opt.zero_grad()
            acts = []
            h = net[1].register_forward_hook(lambda m, i, o: acts.append(o.detach()))
            loss = nn.functional.cross_entropy(net(self.x), self.y)
            h.remove()
            loss.backward()
            g0 = net[0].weight.grad.clone()
            opt.step()
        relu = acts[-1]
        self.assertAlmostEqual(at6[1]["act_mean"], float(relu.mean()), 5)
        self.assertAlmostEqual(at6[1]["act_std"], float(relu.std(unbiased=False)), 5)
        self.assertAlmostEqual(at6[1]["dead_fraction"], float((relu <= 0).all(0).float().mean()), 6)
        self.assertAlmostEqual(at6[0]["grad_norm"], float(g0.norm()), 5)
        self.assertAlmostEqual(at6[0]["grad_max_abs"], float(g0.abs().max()), 6)
        self.assertAlmostEqual(at6[0]["weight_norm"], float(net[0].weight.norm()), 5)
        self.assertAlmostEqual(at6[0]["update_ratio"], 0.1 * float(g0.norm() / net[0].weight.norm()), 6)
        self.assertGreaterEqual(at6[3]["saturated_fraction"], 0)
        self.assertFalse(at6[1]["has_weights"])

    def test_a_nan_in_the_forward_pass_names_the_layer(self):
        self.step(1)
        hook = self.net[2].register_forward_hook(lambda m, i, o: o * float("nan"))
        with self.assertRaises(NonFiniteError) as e:
            self.step(2)  # not a watched step: the pass is run again to find the layer
        hook.remove()
        self.assertEqual((e.exception.layer, e.exception.pass_name), (2, "forward"))
        self.assertIn("layer 3 (2: Linear)", str(e.exception))

    def test_a_nan_in_the_backward_pass_names_the_layer(self):
        self.step(1)
        self.step(2)
        hook = self.net[2].weight.register_hook(lambda g: g * float("nan"))
        with self.assertRaises(NonFiniteError) as e:
            self.step(3)  # a watched step: caught at the end of its backward pass
        self.assertEqual((e.exception.layer, e.exception.pass_name), (2, "backward"))
        self.assertIn("backward pass at layer 3 (2: Linear)", str(e.exception))
        hook.remove()

    def test_a_nan_gradient_between_watched_steps_is_named_at_the_next_step(self):
        self.step(1)
        hook = self.net[4].bias.register_hook(lambda g: g * float("inf"))
        self.step(2)  # unwatched: the update writes non-finite weights into layer 5
        hook.remove()
        with self.assertRaises(NonFiniteError) as e:
            self.step(3)
        self.assertEqual((e.exception.layer, e.exception.pass_name, e.exception.step), (4, "backward", 2))
        self.assertIn("weights of layer 5 (4: Linear) are not finite", str(e.exception))


class Install(unittest.TestCase):
    def test_pip_installs_it_offline(self):
        d = T.tempdir("pip")
        T.run([T.PYTHON, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps",
               "--quiet", "--target", d, os.path.join(T.ARGS.repo, "python")])
        code, out = T.run([T.PYTHON, "-c", "import gradscope, sys; print(gradscope.__file__); "
                           "print(gradscope.RunLog.__name__, gradscope.watch.__name__)"],
                          env=dict(T.torch_env(), PYTHONPATH=d))
        self.assertIn(d, out)
        self.assertIn("RunLog watch", out)
        shutil.rmtree(d)
        shutil.rmtree(os.path.join(T.ARGS.repo, "python", "build"), ignore_errors=True)
        for egg in os.listdir(os.path.join(T.ARGS.repo, "python")):
            if egg.endswith(".egg-info"):
                shutil.rmtree(os.path.join(T.ARGS.repo, "python", egg))


if __name__ == "__main__":
    unittest.main(argv=T.UNITTEST_ARGV, verbosity=2)
