"""The exported mlp-fashion under `torchrun --nproc_per_node=2` (DDP on gloo):
a few hundred steps on this machine; both ranks' run logs parse with the
project's C++ reader; the checkpoint rank 0 writes loads in gradscope-train
and evaluates to the accuracy the run reported; without --all-ranks only
rank 0 logs.
"""
import os
import re
import shutil
import unittest

import gs_testing as T

RESULT = re.compile(r"test split, (\d+) items, loss ([0-9.]+), accuracy ([0-9.]+)% \((\d+) right\)")


@unittest.skipUnless(os.path.isdir(T.FASHION), "Fashion-MNIST is not installed")
class Torchrun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = T.tempdir("torchrun")
        spec = T.preset("mlp-fashion")
        spec["data"].update(limit=6400, test_limit=1000)
        spec["epochs"] = 6  # 6400 items, 2 ranks, batch 64: 50 steps an epoch, 300 in all
        cls.project = T.export(T.write_spec(spec, cls.dir, "model.json"),
                               os.path.join(cls.dir, "project"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def torchrun(self, *args):
        # --redirects 1 --tee 1: Debian 12's torchrun (torch 1.13 on Python 3.11)
        # fails on its default of 0 ("'NoneType' object has no attribute 'get'").
        return T.run([T.TORCHRUN, "--standalone", "--nproc_per_node=2", "--redirects", "1",
                      "--tee", "1", "train.py", *args], cwd=self.project,
                     env=T.torch_env(threads=1))[1]

    def test_two_ranks_train_log_and_hand_back_a_checkpoint(self):
        logs, ckpt = os.path.join(self.dir, "runs"), os.path.join(self.dir, "ddp.safetensors")
        out = self.torchrun("--log", logs, "--all-ranks", "--save", ckpt)
        ranks = [T.read_log(os.path.join(logs, f"rank-{r}", "run.jsonl")) for r in (0, 1)]
        for r, log in enumerate(ranks):
            self.assertEqual(log["garbage_lines"], 0, f"rank {r}")
            self.assertFalse(log["partial_last_line"], f"rank {r}")
            self.assertEqual(sum(s["merged"] for s in log["steps"]), 300, f"rank {r}")
            self.assertEqual(log["steps"][-1]["step"], 300)
            self.assertEqual([e["epoch"] for e in log["epochs"]], [1, 2, 3, 4, 5, 6])
            self.assertTrue(all(e["has_validation"] for e in log["epochs"]))
            self.assertGreater(len(log["layers"]), 0, f"rank {r}: no layers records")
            self.assertEqual(log["spec"]["name"], "mlp-fashion")
        # Each rank trains on its own share, so their first losses differ;
        # validation is shared (all-reduced), so their epochs agree.
        self.assertNotEqual(ranks[0]["steps"][0]["loss"], ranks[1]["steps"][0]["loss"])
        self.assertEqual([e["val_accuracy"] for e in ranks[0]["epochs"]],
                         [e["val_accuracy"] for e in ranks[1]["epochs"]])
        reported = RESULT.search(out)
        self.assertIsNotNone(reported, out)
        event = [e for e in ranks[0]["events"] if e["kind"] == "evaluation"][0]
        self.assertAlmostEqual(event["value"] * 100, float(reported.group(3)), 3)
        # The checkpoint in Gradscope's layout, evaluated by gradscope-train.
        _, mine = T.run([T.ARGS.train, "evaluate", ckpt, "--threads", "2"])
        got = RESULT.search(mine)
        self.assertIsNotNone(got, mine)
        self.assertEqual(got.group(1), reported.group(1))
        self.assertLessEqual(abs(int(got.group(4)) - int(reported.group(4))), 1,
                             f"gradscope-train: {mine.strip()}\ntorchrun: {reported.group(0)}")
        self.assertAlmostEqual(float(got.group(2)), float(reported.group(2)), 3)
        self.assertGreater(int(got.group(4)), 700)  # it learned: over 70% of 1000
        print(f"\ntorchrun: {reported.group(0)}\ngradscope-train evaluate: {got.group(0)}")

    def test_only_rank_zero_logs_by_default(self):
        logs = os.path.join(self.dir, "runs-default")
        self.torchrun("--log", logs, "--steps", "20", "--save", "")
        self.assertEqual(sorted(os.listdir(logs)), ["rank-0"])
        log = T.read_log(os.path.join(logs, "rank-0", "run.jsonl"))
        self.assertEqual(sum(s["merged"] for s in log["steps"]), 20)


if __name__ == "__main__":
    unittest.main(argv=T.UNITTEST_ARGV, verbosity=2)
