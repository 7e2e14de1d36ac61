"""The exported project's data.py gives Gradscope's data: for every source
(CSV files, image folders, IDX, CIFAR-10, a built-in set, Fashion-MNIST) the
same splits, normalization and items, and the same training batches in the
same order (shuffled, augmented, normalized in one pass) as Gradscope's
loader, which gs_export_probe dumps.
"""
import os
import shutil
import unittest

import numpy as np

import gs_testing as T
from gradscope.checkpoint import read_safetensors

DATA = os.path.join(T.ARGS.repo, "tests", "data")


def spec(name, input_shape, layers, data, loss="softmax_cross_entropy", batch=4, seed=42):
    return {"name": name, "input": input_shape, "layers": layers, "loss": loss,
            "batch_size": batch, "seed": seed, "data": data}


class ExportedData(unittest.TestCase):
    def compare(self, s, batches):
        d = T.tempdir("data")
        path = T.write_spec(s, d, "model.json")
        proj = T.export(path, os.path.join(d, "project"))
        dump = os.path.join(d, "gradscope.safetensors")
        T.run([T.ARGS.probe, "data", path, dump, str(batches)])
        ref, _ = read_safetensors(dump)
        (data,) = T.import_project(proj, "data")
        D = data.load()
        for name in ("train", "validation", "test"):
            split = getattr(D, name)
            if name + "_x" not in ref:
                self.assertTrue(split is None or len(split) == 0, f"{s['name']}: {name} split")
                continue
            self.assertEqual(len(split), len(ref[name + "_x"]), f"{s['name']}: {name} items")
            x, y = D.batch(split, list(range(len(split))))
            self.assertLessEqual(T.rel(x, ref[name + "_x"]), 1e-6, f"{s['name']}: {name} inputs")
            np.testing.assert_array_equal(y, ref[name + "_y"], f"{s['name']}: {name} targets")
        if "mean" in ref:
            np.testing.assert_allclose(D.mean, ref["mean"], rtol=1e-6)
            np.testing.assert_allclose(D.inv_std, ref["inv_std"], rtol=1e-6)
        else:
            self.assertIsNone(D.mean)
        n, epoch, cursor, order = len(D.train), -1, len(D.train), None
        for b in range(batches):
            if cursor >= n:
                epoch, cursor = epoch + 1, 0
                order = data.epoch_order(n, epoch, s.get("seed", 42))
            idx = order[cursor:cursor + s["batch_size"]]
            np.testing.assert_array_equal(idx, ref[f"batch{b}_items"], f"{s['name']}: batch {b}")
            x, y = D.batch(D.train, idx, train=True, place=epoch * n + cursor)
            self.assertLessEqual(T.rel(x, ref[f"batch{b}_x"]), 1e-6, f"{s['name']}: batch {b}")
            np.testing.assert_array_equal(y, ref[f"batch{b}_y"])
            cursor += len(idx)
        shutil.rmtree(d)

    def test_csv(self):
        csv = os.path.join(DATA, "csv")
        self.compare(spec("iris", [4], [{"type": "Dense", "units": 3}],
                          {"name": "csv", "path": os.path.join(csv, "iris_small.csv"),
                           "test_fraction": 0.3, "validation_fraction": 0.25, "seed": 5,
                           "normalize": True}, batch=2), 4)
        self.compare(spec("iris-by-name", [4], [{"type": "Dense", "units": 3}],
                          {"name": "csv", "path": os.path.join(csv, "iris_small.csv"),
                           "label_column": "species", "test_fraction": 0.0}, batch=3), 3)
        self.compare(spec("regression", [2], [{"type": "Dense", "units": 1}],
                          {"name": "csv", "path": os.path.join(csv, "regression.csv"),
                           "test_fraction": 0.0, "normalize": True}, loss="mse", batch=2), 2)
        self.compare(spec("quoted", [2], [{"type": "Dense", "units": 3}],
                          {"name": "csv", "path": os.path.join(csv, "quoted.csv"),
                           "test_fraction": 0.0}, batch=2), 2)
        self.compare(spec("no-header", [2], [{"type": "Dense", "units": 1}],
                          {"name": "csv", "path": os.path.join(csv, "no_header.csv"),
                           "test_fraction": 0.0}, loss="mse", batch=2), 2)

    def test_image_folder(self):
        folder = os.path.join(DATA, "image_folder")
        for size, gray in ((5, False), (11, True)):
            c = 1 if gray else 3
            self.compare(spec(f"folder-{size}", [c, size, size],
                              [{"type": "Flatten"}, {"type": "Dense", "units": 2}],
                              {"name": "folder", "path": folder, "image_size": size,
                               "grayscale": gray, "test_fraction": 0.25, "normalize": True,
                               "augment_flip": True, "augment_crop_padding": 1}, batch=2), 4)

    def test_idx(self):
        self.compare(spec("idx", [1, 3, 4], [{"type": "Flatten"}, {"type": "Dense", "units": 10}],
                          {"name": "idx", "path": os.path.join(DATA, "idx_tiny"),
                           "normalize": True}, batch=4), 3)

    def test_cifar10(self):
        d = T.tempdir("cifar")
        tiny = os.path.join(DATA, "cifar10_tiny", "tiny_batch.bin")
        for n in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
            shutil.copy(tiny, os.path.join(d, n))
        self.compare(spec("cifar", [3, 32, 32], [{"type": "Flatten"}, {"type": "Dense", "units": 10}],
                          {"name": "cifar10", "path": d, "normalize": True, "augment_flip": True,
                           "augment_crop_padding": 4, "validation_fraction": 0.2}, batch=3), 6)
        shutil.rmtree(d)

    def test_builtin_sets(self):
        self.compare(spec("spiral", [2], [{"type": "Dense", "units": 1}, {"type": "Sigmoid"}],
                          {"name": "spiral", "samples": 300, "noise": 0.1, "test_fraction": 0.3,
                           "validation_fraction": 0.2, "limit": 150, "seed": 9},
                          loss="binary_cross_entropy", batch=16), 12)
        self.compare(spec("xor", [2], [{"type": "Dense", "units": 1}, {"type": "Sigmoid"}],
                          {"name": "xor", "samples": 4, "test_fraction": 0.0}, loss="mse",
                          batch=4), 3)

    @unittest.skipUnless(os.path.isdir(T.FASHION), "Fashion-MNIST is not installed")
    def test_fashion_mnist(self):
        self.compare(spec("fashion", [784], [{"type": "Dense", "units": 10}],
                          {"name": "fashion-mnist", "limit": 2000, "test_limit": 300,
                           "validation_fraction": 0.1, "normalize": True}, batch=64), 3)


if __name__ == "__main__":
    unittest.main(argv=T.UNITTEST_ARGV, verbosity=2)
