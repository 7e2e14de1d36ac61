"""Parity of an exported PyTorch project with Gradscope, for one preset:

  test_parity.py PRESET --train ... --probe ... --repo ...

Both start from the same checkpoint (the exporter's initial weights, which
must equal `gradscope-train train --init-checkpoint`'s) and take the same
batches in the same order (Fashion-MNIST presets on a subset).

1. Gradients of the first step: 1e-5 relative per tensor (Gradscope's come
   from a one-step run with SGD momentum, whose buffer then is the gradient).
2. N steps: per-step losses and final weights to 1e-4 relative; where float32
   rounding grows over the steps instead, within twice the gap between the
   PyTorch project run in float32 and in float64 from the same start.
3. One step from Gradscope's own state half-way (its checkpoint) gives
   Gradscope's next state to 1e-5 relative: the arithmetic of a step agrees
   wherever the trajectories have drifted apart.

Gradscope trains with --threads 2, PyTorch with 1 thread (as they run here).
"""
import os
import shutil
import sys
import unittest

import numpy as np

PRESET = sys.argv.pop(1)  # before gs_testing reads the rest

import gs_testing as T  # noqa: E402
from gradscope.checkpoint import load_checkpoint  # noqa: E402

STEPS = 50
GS_THREADS = ["--threads", "2"]


def subset(spec):
    if spec["data"].get("name") == "fashion-mnist":
        spec["data"].update(limit=1280 if spec["name"] == "mlp-fashion" else 640, test_limit=500)
    return spec


def losses(run_dir):
    return np.array([s["loss"] for s in T.read_log(os.path.join(run_dir, "run.jsonl"))["steps"]])


def weights(path):
    return {k: v for k, v in load_checkpoint(path).tensors.items() if not k.startswith("optim.")}


def weights_rel(a, b):
    return max(T.rel(a[k], b[k]) for k in b)


class Parity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = d = T.tempdir("parity-" + PRESET)
        cls.spec = subset(T.preset(PRESET))
        cls.spec_path = T.write_spec(cls.spec, d, "model.json")
        cls.project = T.export(cls.spec_path, os.path.join(d, "project"))
        cls.train, cls.data, cls.model = T.import_project(cls.project, "train", "data", "model")
        cls.report = []

    @classmethod
    def tearDownClass(cls):
        print(f"\nparity {PRESET}: " + "; ".join(cls.report), flush=True)
        shutil.rmtree(cls.dir)

    def gs(self, *args, spec=None):
        return T.run([T.ARGS.train, "train", spec or self.spec_path, "-q", *GS_THREADS, *args])

    def torch_run(self, name, *args):
        out = os.path.join(self.dir, name)
        code = self.train.main(["--quiet", "--threads", "1", "--log", out, "--log-every-step",
                                "--save", out + ".safetensors", *args])
        self.assertEqual(code, 0)
        return out

    def test_1_same_start_and_gradients(self):
        import torch
        init = os.path.join(self.dir, "gs-init.safetensors")
        self.gs("--steps", "1", "--init-checkpoint", init)
        mine = load_checkpoint(os.path.join(self.project, "initial.safetensors")).tensors
        for k, v in load_checkpoint(init).tensors.items():
            np.testing.assert_array_equal(mine[k], v, f"initial tensor {k}")
        # Gradscope's gradients: one step of SGD with momentum (buffer = gradient).
        g = dict(self.spec, optimizer={"type": "sgd", "lr": 0.01, "momentum": 0.5})
        g_path = T.write_spec(g, self.dir, "grad.json")
        g_ckpt = os.path.join(self.dir, "grad.safetensors")
        self.gs("--steps", "1", "--checkpoint", g_ckpt, spec=g_path)
        want = load_checkpoint(g_ckpt).tensors
        # PyTorch's: the project's model, data and loss on its first batch.
        torch.set_num_threads(1)
        D = self.data.load()
        net = self.model.build()
        net.load_gradscope(mine)
        idx = self.data.epoch_order(len(D.train), 0, self.spec["seed"])[:self.spec["batch_size"]]
        x, y = D.batch(D.train, idx, train=True, place=0)
        cfg = sys.modules["config"]
        loss_fn = self.train.Loss(cfg.OUTPUT_SIZE, D.num_classes)
        loss, _ = loss_fn(net(torch.from_numpy(x), logits=True), loss_fn.target(torch.from_numpy(y)))
        loss.backward()
        worst = 0.0
        for name, p in net.gradscope_tensors():
            if isinstance(p, torch.nn.Parameter):
                e = T.rel(p.grad.numpy(), want[f"optim.{name}.momentum_buffer"])
                self.assertLessEqual(e, 1e-5, f"gradient of {name}")
                worst = max(worst, e)
        self.report.append(f"gradients {worst:.1e}")

    def test_2_trajectory(self):
        gs_log, gs_ckpt = os.path.join(self.dir, "gs"), os.path.join(self.dir, "gs.safetensors")
        self.gs("--steps", str(STEPS), "--log", gs_log, "--log-every-step", "--checkpoint", gs_ckpt)
        t32 = self.torch_run("t32", "--steps", str(STEPS))
        a, b = losses(gs_log), losses(t32)
        self.assertEqual(len(a), STEPS)
        self.assertEqual(len(b), STEPS)
        gs_log_read, t_log_read = (T.read_log(os.path.join(p, "run.jsonl")) for p in (gs_log, t32))
        self.assertEqual([s["lr"] for s in gs_log_read["steps"]], [s["lr"] for s in t_log_read["steps"]])
        loss_err = float(np.max(np.abs(a - b) / np.abs(b)))
        w_err = weights_rel(weights(gs_ckpt), weights(t32 + ".safetensors"))
        line = f"{STEPS} steps: losses {loss_err:.1e}, final weights {w_err:.1e}"
        if loss_err <= 1e-4 and w_err <= 1e-4:
            self.report.append(line + " (within 1e-4)")
            return
        t64 = self.torch_run("t64", "--steps", str(STEPS), "--float64")
        c = losses(t64)
        gap_loss = float(np.max(np.abs(b - c) / np.abs(c)))
        gap_w = weights_rel(weights(t32 + ".safetensors"), weights(t64 + ".safetensors"))
        to64 = weights_rel(weights(gs_ckpt), weights(t64 + ".safetensors"))
        self.report.append(line + f"; PyTorch float32 vs float64: losses {gap_loss:.1e}, "
                           f"weights {gap_w:.1e} (criterion: within twice that); Gradscope vs "
                           f"PyTorch float64: losses {np.max(np.abs(a - c) / np.abs(c)):.1e}, "
                           f"weights {to64:.1e}")
        self.assertLessEqual(loss_err, 2 * gap_loss, "per-step losses")
        self.assertLessEqual(w_err, 2 * gap_w, "final weights")

    def test_3_one_step_from_gradscope_state(self):
        k = STEPS // 2
        at_k, at_k1 = (os.path.join(self.dir, f"gs-{s}.safetensors") for s in (k, k + 1))
        self.gs("--steps", str(k), "--checkpoint", at_k)
        self.gs("--resume", at_k, "--steps", "1", "--checkpoint", at_k1)
        t = self.torch_run("t-step", "--checkpoint", at_k, "--steps", "1")
        e = weights_rel(weights(at_k1), weights(t + ".safetensors"))
        self.assertLessEqual(e, 1e-5)
        self.assertEqual(load_checkpoint(t + ".safetensors").step, k + 1)
        self.report.append(f"one step from Gradscope's step {k}: {e:.1e}")


if __name__ == "__main__":
    unittest.main(argv=T.UNITTEST_ARGV, verbosity=2)
