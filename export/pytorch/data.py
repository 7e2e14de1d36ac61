"""The data, exactly as Gradscope prepares it: the same files, splits, order and numbers.

Gradscope's seeded choices (the test split of a CSV file or an image folder,
`limit`, the validation split, the order of every epoch, the random crops and
flips) all come from one small generator, SplitMix64, reproduced here, so a
batch here holds the same items, normalized the same way, as Gradscope's batch
of the same step. The built-in 2-D sets come from data.safetensors, which
`gradscope-train export` wrote, so both sides see identical points.
"""
import os

import numpy as np

import config
import data_files

_M64 = (1 << 64) - 1
_GAMMA = 0x9E3779B97F4A7C15
HERE = os.path.dirname(os.path.abspath(__file__))
BUILTIN = ("spiral", "circle", "xor", "gaussian", "moons", "line", "plane", "multi-gaussian",
           "synthetic")


# -- Gradscope's random numbers (engine/include/gradscope/rng.h) ---------------
def mix64(z):
    z = (z + _GAMMA) & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def _mix64_array(z):
    z = z + np.uint64(_GAMMA)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


class Rng:
    def __init__(self, seed):
        self.state = seed & _M64

    def next_u64(self):
        self.state = (self.state + _GAMMA) & _M64
        return mix64(self.state)

    def uniform(self):
        return (self.next_u64() >> 11) * (1.0 / 9007199254740992.0)

    def below(self, n):
        return self.next_u64() % n if n else 0


def permutation(n, seed):
    """Fisher-Yates with Rng(seed), as Gradscope shuffles: a list of n indices."""
    order = list(range(n))
    if n < 2:
        return order
    with np.errstate(over="ignore"):
        states = np.uint64(seed & _M64) + np.arange(1, n, dtype=np.uint64) * np.uint64(_GAMMA)
        draws = _mix64_array(states)
    bounds = np.arange(n, 1, -1, dtype=np.uint64)
    picks = (draws % bounds).tolist()
    for k, i in enumerate(range(n, 1, -1)):
        j = picks[k]
        order[i - 1], order[j] = order[j], order[i - 1]
    return order


def epoch_order(n, epoch, seed, shuffle=True):
    """The order of the training items in an epoch (Trainer::order_for)."""
    if not shuffle:
        return list(range(n))
    return permutation(n, (seed ^ mix64(epoch + 1)) & _M64)


# -- splits ----------------------------------------------------------------
class Split:
    """Items [indices] of a Source."""

    def __init__(self, source, indices, name):
        self.source, self.indices, self.name = source, np.asarray(indices, np.int64), name

    def __len__(self):
        return len(self.indices)

    num_classes = property(lambda self: self.source.num_classes)
    item_shape = property(lambda self: self.source.item_shape)

    def take(self, idx):
        """Raw items idx (positions in this split): x as stored, y float32."""
        rows = self.indices[np.asarray(idx, np.int64)]
        return self.source.x[rows], self.source.y[rows]


def _limited(split, count, seed):
    if split is None or count <= 0 or count >= len(split):
        return split
    keep = sorted(permutation(len(split), seed)[:count])
    return Split(split.source, split.indices[keep], split.name)


def _split_off(split, fraction, seed, held_name):
    """{rest, held out}: a seeded fraction (floor(fraction * n) items) held out."""
    n = len(split)
    held = int(np.floor(float(np.float32(fraction)) * n))
    if held == 0:
        return split, None
    if held >= n:
        raise ValueError(f"holding out {held} of {n} items of '{split.name}' leaves none to "
                         "train on — use a smaller fraction")
    order = permutation(n, seed)
    rest, out = sorted(order[held:]), sorted(order[:held])
    return (Split(split.source, split.indices[rest], split.name),
            Split(split.source, split.indices[out], held_name))


def _whole(source):
    return Split(source, np.arange(len(source)), source.name) if source is not None else None


def _builtin(path):
    from gradscope.checkpoint import read_safetensors
    t, meta = read_safetensors(path)
    k = int(meta.get("classes", "0"))
    train = data_files.Source(meta.get("name", "builtin"), t["train_x"], t["train_y"], k)
    test = data_files.Source(train.name, t["test_x"], t["test_y"], k) if "test_x" in t else None
    return train, test


class Data:
    """The splits of a spec's "data" and the preprocessing of every batch."""

    def __init__(self, spec_data, model_seed, data_path=None):
        d = dict(spec_data)
        if data_path:
            d["path"] = data_path
        name, path, seed = d["name"], d["path"], d["seed"]
        self.flip, self.crop = d["augment_flip"], d["augment_crop_padding"]
        self.model_seed = model_seed
        if name in BUILTIN:
            points = os.path.join(HERE, "data.safetensors")
            if not os.path.exists(points):
                raise FileNotFoundError(f"'{points}' is missing: gradscope-train export writes the "
                                        f"points of the built-in set '{name}' there; export again")
            train, test = _builtin(points)
        elif name in ("fashion-mnist", "mnist", "idx"):
            label = os.path.basename(os.path.normpath(path)) if name == "idx" else name
            classes = data_files.FASHION_CLASSES if name == "fashion-mnist" else None
            train, test = data_files.load_idx_dir(path, label, classes)
        elif name == "cifar10":
            train, test = data_files.load_cifar10_dir(path)
        elif name in ("csv", "folder"):
            src = data_files.load_csv(path, d["label_column"]) if name == "csv" else \
                data_files.load_image_folder(path, d["image_size"], d["grayscale"])
            rest, held = _split_off(_whole(src), d["test_fraction"], seed ^ 0x7E57,
                                    src.name + "/test")
            train, test = rest, held
        else:
            raise ValueError(f"unknown data \"{name}\"")
        train = train if isinstance(train, Split) else _whole(train)
        test = test if isinstance(test, Split) or test is None else _whole(test)
        if train is None or len(train) == 0:
            raise ValueError(f"the training split of '{name}' is empty")
        train = _limited(train, d["limit"], seed ^ 0x1)
        self.test = _limited(test, d["test_limit"], seed ^ 0x2)
        self.train, self.validation = _split_off(train, d["validation_fraction"], seed ^ 0x3,
                                                 train.name + "/validation")
        self.mean = self.inv_std = None
        if d["normalize"]:
            self._fit_normalization()

    num_classes = property(lambda self: self.train.num_classes)
    item_shape = property(lambda self: self.train.item_shape)
    target_size = property(lambda self: self.train.source.y.shape[1])

    def _channels(self, x):
        """x (n, *item) -> (n, C, plane): one channel per feature for flat items."""
        return x.reshape(len(x), self.item_shape[0], -1) if len(self.item_shape) >= 3 else \
            x.reshape(len(x), -1, 1)

    def _fit_normalization(self):
        s = self.train.source
        x = s.x[self.train.indices]
        v = x.astype(np.float32) * np.float32(1.0 / 255.0) if s.is_bytes else x
        v = self._channels(v).astype(np.float64)
        count = v.shape[0] * v.shape[2]
        mean = v.sum(axis=(0, 2)) / count
        var = np.maximum(0.0, (v * v).sum(axis=(0, 2)) / count - mean * mean)
        self.mean = mean.astype(np.float32)
        inv = np.ones_like(var)
        inv[var > 1e-12] = 1.0 / np.sqrt(var[var > 1e-12])
        self.inv_std = inv.astype(np.float32)
        self.scale, self.shift = self.inv_std, (-self.mean * self.inv_std).astype(np.float32)

    def batch(self, split, idx, train=False, place=0):
        """Items idx of a split as the model sees them: (x float32 (n, *item), y float32).
        train: a training batch (augmented; normalized in one pass as Gradscope's
        loader does); place: the first item's place in the run (epoch * n + cursor)."""
        raw, y = split.take(idx)
        augment = train and (self.flip or self.crop > 0) and len(self.item_shape) == 3
        if train and self.mean is not None and not augment:
            c = self._channels(raw)
            if split.source.is_bytes:  # byte * (scale / 255) + shift
                a = (self.scale / np.float32(255.0)).astype(np.float32)[None, :, None]
                x = c.astype(np.float32) * a + self.shift[None, :, None]
            else:
                x = c * self.scale[None, :, None] + self.shift[None, :, None]
            return x.reshape(raw.shape).astype(np.float32), y
        x = raw.astype(np.float32) * np.float32(1.0 / 255.0) if split.source.is_bytes else \
            raw.astype(np.float32, copy=True)
        if augment:
            self._augment(x, place)
        if self.mean is not None:
            c = self._channels(x)
            x = ((c - self.mean[None, :, None]) * self.inv_std[None, :, None]).reshape(x.shape)
        return x.astype(np.float32), y

    def _augment(self, x, place):
        """Random crops of the zero-padded image and flips, drawn as Preprocess::apply does."""
        p, C, H, W = self.crop, *self.item_shape
        base = mix64((self.model_seed ^ 0x5EED) & _M64)
        for i in range(len(x)):
            rng = Rng(base ^ mix64((place * 1000003 + i) & _M64))
            dy = rng.below(2 * p + 1) - p if p else 0
            dx = rng.below(2 * p + 1) - p if p else 0
            mirror = self.flip and rng.uniform() < 0.5
            if not dy and not dx and not mirror:
                continue
            src = np.zeros((C, H + 2 * p + 2, W + 2 * p + 2), np.float32)
            src[:, p + 1:p + 1 + H, p + 1:p + 1 + W] = x[i]
            cols = (np.arange(W)[::-1] if mirror else np.arange(W)) + dx + p + 1
            rows = np.arange(H) + dy + p + 1
            x[i] = src[:, rows][:, :, cols]


def load(data_path=None):
    """The exported model's data (config.DATA), optionally from another path."""
    return Data(config.DATA, config.SEED, data_path)
