"""Readers for the file datasets Gradscope trains on, giving the same items it reads.

IDX (MNIST, Fashion-MNIST; plain or gzip), CIFAR-10 binary batches, CSV files
and folders of images per class (PNG and BMP decoded here; JPEG through Pillow
when it is installed). Each returns a Source: the items as uint8 images
(divided by 255 when batched, as Gradscope does) or float32 values, and float32
targets. Errors name the file and what is wrong.
"""
import csv
import gzip
import io
import math
import os
import struct
import zlib

import numpy as np

FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                   "Sneaker", "Bag", "Ankle boot"]
CIFAR_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                 "truck"]


class Source:
    """Items of one split as Gradscope holds them: x (n, *item) uint8 or float32,
    y (n, target_size) float32, and the number of classes (0: regression)."""

    def __init__(self, name, x, y, num_classes, class_names=None):
        self.name, self.x, self.num_classes = name, x, num_classes
        self.y = np.asarray(y, dtype=np.float32).reshape(len(x), -1)
        self.class_names = class_names or [str(i) for i in range(num_classes)]
        self.is_bytes = x.dtype == np.uint8

    item_shape = property(lambda self: tuple(self.x.shape[1:]))

    def __len__(self):
        return len(self.x)


def _read(path):
    with open(path, "rb") as f:
        raw = f.read()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


# -- IDX ------------------------------------------------------------------------
def _find_idx(directory, base):
    dotted = base.replace("-idx", ".idx", 1)
    for name in (base, base + ".gz", dotted, dotted + ".gz"):
        if os.path.isfile(os.path.join(directory, name)):
            return os.path.join(directory, name)
    raise FileNotFoundError(f"'{directory}': no {base} (or {base}.gz) there")


def _idx_pair(images_path, labels_path, name, classes):
    images, labels = _read(images_path), _read(labels_path)
    if len(images) < 16 or struct.unpack(">I", images[:4])[0] != 0x803:
        raise ValueError(f"'{images_path}' is not an IDX images file")
    if len(labels) < 8 or struct.unpack(">I", labels[:4])[0] != 0x801:
        raise ValueError(f"'{labels_path}' is not an IDX labels file")
    n, rows, cols = struct.unpack(">III", images[4:16])
    if len(images) - 16 != n * rows * cols or len(labels) - 8 != n:
        raise ValueError(f"'{images_path}' and '{labels_path}' do not hold {n} items as their "
                         f"headers say")
    x = np.frombuffer(images, np.uint8, offset=16).reshape(n, 1, rows, cols)
    y = np.frombuffer(labels, np.uint8, offset=8).astype(np.float32)
    return Source(name, x, y, 10, classes)


def load_idx_dir(directory, name, classes=None):
    """(train, test) from the four IDX files of an MNIST-style directory."""
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"'{directory}': no such directory")
    f = {b: _find_idx(directory, b) for b in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                              "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
    return (_idx_pair(f["train-images-idx3-ubyte"], f["train-labels-idx1-ubyte"], name, classes),
            _idx_pair(f["t10k-images-idx3-ubyte"], f["t10k-labels-idx1-ubyte"], name, classes))


# -- CIFAR-10 -------------------------------------------------------------------
def _cifar_file(directory, name):
    for candidate in (name, name + ".gz"):
        if os.path.isfile(os.path.join(directory, candidate)):
            return os.path.join(directory, candidate)
    raise FileNotFoundError(f"'{directory}': no {name} there (a CIFAR-10 binary directory holds "
                            f"data_batch_1.bin to data_batch_5.bin and test_batch.bin)")


def _cifar_batches(paths, classes):
    parts = []
    for p in paths:
        raw = _read(p)
        if len(raw) == 0 or len(raw) % 3073:
            raise ValueError(f"'{p}': {len(raw)} bytes is not a whole number of CIFAR-10 records")
        parts.append(np.frombuffer(raw, np.uint8).reshape(-1, 3073))
    rec = np.concatenate(parts)
    return Source("cifar-10", rec[:, 1:].reshape(-1, 3, 32, 32).copy(),
                  rec[:, 0].astype(np.float32), 10, classes)


def load_cifar10_dir(directory):
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"'{directory}': no such directory")
    if not any(os.path.exists(os.path.join(directory, "data_batch_1.bin" + s)) for s in ("", ".gz")) \
            and os.path.isdir(os.path.join(directory, "cifar-10-batches-bin")):
        directory = os.path.join(directory, "cifar-10-batches-bin")
    train = [_cifar_file(directory, f"data_batch_{i}.bin") for i in range(1, 6)]
    test = _cifar_file(directory, "test_batch.bin")
    classes = CIFAR_CLASSES
    meta = os.path.join(directory, "batches.meta.txt")
    if os.path.exists(meta):
        classes = [s.strip() for s in _read(meta).decode("utf-8", "replace").split("\n") if s.strip()]
    return _cifar_batches(train, classes), _cifar_batches([test], classes)


# -- CSV ------------------------------------------------------------------------
def _number(text):
    """A finite or non-finite float, or None when the cell is not a number."""
    t = text[1:] if text.startswith("+") and not text.startswith(("+-", "++")) else text
    if not t or "_" in t or t.lower().startswith(("0x", "-0x")):
        return None
    try:
        return float(t)
    except ValueError:
        return None


def load_csv(path, label_column=""):
    """One item a row: numeric features and a label column (the last by default)."""
    text = _read(path).decode("utf-8-sig")
    rows = [[c.strip(" \t") for c in r] for r in csv.reader(io.StringIO(text))]
    rows = [r for r in rows if any(c for c in r) or len(r) > 1]
    if not rows:
        raise ValueError(f"'{path}': the file holds only blank lines")
    ncols = len(rows[0])
    if ncols < 2:
        raise ValueError(f"'{path}': the first row has 1 column; a dataset needs at least two")
    label, by_name = ncols - 1, False
    if label_column:
        try:
            v = int(label_column)
            if not -ncols <= v < ncols:
                raise ValueError(f"'{path}': label column {label_column} is out of range")
            label = v % ncols
        except ValueError as e:
            if "out of range" in str(e):
                raise
            by_name = True
    header = by_name or any(j != label and c and _number(c) is None for j, c in enumerate(rows[0]))
    if header:
        if by_name:
            if label_column not in rows[0]:
                raise ValueError(f"'{path}': no column named '{label_column}'")
            label = rows[0].index(label_column)
        rows = rows[1:]
    if not rows:
        raise ValueError(f"'{path}': no data rows")
    features, labels = [], []
    for r in rows:
        if len(r) != ncols:
            raise ValueError(f"'{path}': a row has {len(r)} columns, the first has {ncols}")
        vals = []
        for j, c in enumerate(r):
            if j == label:
                labels.append(c)
                continue
            v = _number(c)
            if v is None or not math.isfinite(v):
                raise ValueError(f"'{path}': '{c}' is not a finite number")
            vals.append(v)
        features.append(vals)
    nums = [_number(t) for t in labels]
    has_text = any(v is None for v in nums)
    integers = [v is not None and math.isfinite(v) and v >= 0 and v < 65536 and v == math.floor(v)
                for v in nums]
    distinct = {int(v) for v, ok in zip(nums, integers) if ok}
    classes = has_text or (all(integers) and len(distinct) <= 32)
    if classes and all(integers):
        k = max(distinct) + 1
        y, names = [float(v) for v in nums], [str(i) for i in range(k)]
    elif classes:
        names = sorted(set(labels), key=lambda s: s.encode("utf-8"))
        rank = {n: i for i, n in enumerate(names)}
        y, k = [float(rank[t]) for t in labels], len(names)
    else:
        y, k, names = [float(v) for v in nums], 0, []
    x = np.asarray(features, dtype=np.float64).astype(np.float32)
    stem = os.path.splitext(os.path.basename(path))[0] or "csv"
    return Source(stem, x, y, k, names)


# -- image folders --------------------------------------------------------------
def _png(raw, path):
    """Decodes an 8- or 16-bit, non-interlaced PNG into (h, w, channels) uint8."""
    pos, chunks, palette, trns = 8, [], None, None
    while pos + 8 <= len(raw):
        n, kind = struct.unpack(">I4s", raw[pos:pos + 8])
        body = raw[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif kind == b"tRNS":
            trns = body
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + n
    if interlace or depth not in (8, 16) or color not in (0, 2, 3, 4, 6):
        raise ValueError(f"'{path}': only 8- or 16-bit non-interlaced PNGs are read here")
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
    bpp = channels * depth // 8
    stride = w * bpp
    data = np.frombuffer(zlib.decompress(b"".join(chunks)), np.uint8)
    out = np.zeros((h, stride), np.int32)
    prev = np.zeros(stride, np.int32)
    for y in range(h):
        f, line = data[y * (stride + 1)], data[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        cur = line.astype(np.int32)
        if f == 2:
            cur = (cur + prev) & 255
        elif f in (1, 3, 4):
            cur = cur.copy()
            for i in range(stride):
                a = cur[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                if f == 1:
                    pred = a
                elif f == 3:
                    pred = (a + b) >> 1
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[i] = (cur[i] + pred) & 255
        out[y], prev = cur, cur
    img = out.astype(np.uint8).reshape(h, w, bpp)
    if depth == 16:
        img = img[:, :, 0::2]  # the high byte, as stb_image gives 8 bits
    if color == 3:
        img = palette[img[:, :, 0]]
        if trns is not None:
            alpha = np.full(len(palette), 255, np.uint8)
            alpha[:len(trns)] = np.frombuffer(trns, np.uint8)
            img = np.concatenate([img, alpha[out.astype(np.uint8).reshape(h, w)][:, :, None]], 2)
    return img


def _bmp(raw, path):
    offset, = struct.unpack("<I", raw[10:14])
    w, h, _, bits, compression = struct.unpack("<iiHHI", raw[18:34])
    if bits not in (24, 32) or compression not in (0, 3):
        raise ValueError(f"'{path}': only 24- and 32-bit uncompressed BMPs are read here")
    bpp, rows = bits // 8, abs(h)
    stride = (w * bpp + 3) & ~3
    px = np.frombuffer(raw, np.uint8, offset=offset, count=stride * rows).reshape(rows, stride)
    img = px[:, :w * bpp].reshape(rows, w, bpp)[:, :, [2, 1, 0]]
    return img[::-1] if h > 0 else img


def _decode(path, channels):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:8] == b"\x89PNG\r\n\x1a\n":
        img = _png(raw, path)
    elif raw[:2] == b"BM":
        img = _bmp(raw, path)
    else:
        try:
            from PIL import Image
        except ImportError:
            raise RuntimeError(f"'{path}': JPEG images need Pillow (apt-get install python3-pil "
                               f"or pip install pillow)") from None
        img = np.asarray(Image.open(path).convert("RGB"))
    c = img.shape[2]
    if channels == 1:  # stb_image's luma: (77 r + 150 g + 29 b) >> 8
        if c >= 3:
            rgb = img[:, :, :3].astype(np.int32)
            img = ((rgb[:, :, 0] * 77 + rgb[:, :, 1] * 150 + rgb[:, :, 2] * 29) >> 8)[:, :, None]
        else:
            img = img[:, :, :1]
    else:
        img = np.repeat(img[:, :, :1], 3, 2) if c < 3 else img[:, :, :3]
    return img.astype(np.uint8)


def _taps(src, dst):
    """Weights taking src samples to dst: area when shrinking, bilinear when enlarging."""
    m = np.zeros((dst, src))
    scale = src / dst
    for i in range(dst):
        if src == dst:
            m[i, i] = 1.0
        elif dst < src:
            lo, hi = i * scale, (i + 1) * scale
            first, last = int(math.floor(lo)), min(src - 1, int(math.ceil(hi)) - 1)
            w = [max(0.0, min(hi, j + 1.0) - max(lo, float(j))) for j in range(first, last + 1)]
            for j, wj in zip(range(first, last + 1), w):
                m[i, j] = wj / sum(w)
        else:
            x = min(max((i + 0.5) * scale - 0.5, 0.0), src - 1.0)
            j0 = int(math.floor(x))
            j1, f = min(j0 + 1, src - 1), x - j0
            m[i, j0] += 1.0 - f
            if j1 != j0 and f > 0:
                m[i, j1] += f
    return m


def _weighted(taps, planes):
    """sum_j taps[i, j] * planes[j] for each i, added tap by tap in index order
    (as Gradscope's resize does): a sum in another order (einsum's, which
    varies with the CPU) can round a value of exactly n + 0.5 the other way."""
    out = []
    for row in taps:
        acc = np.zeros(planes.shape[1:])
        for j in np.flatnonzero(row):
            acc = acc + row[j] * planes[j]
        out.append(acc)
    return np.stack(out)


def _resize_chw(img, size):
    h, w, c = img.shape
    tx, ty = _taps(w, size), _taps(h, size)
    rows = _weighted(tx, img.astype(np.float64).transpose(1, 0, 2)).transpose(1, 0, 2)  # (h, size, c)
    out = _weighted(ty, rows)  # (size, size, c)
    return np.clip(np.floor(out + 0.5), 0, 255).astype(np.uint8).transpose(2, 0, 1)


def load_image_folder(root, image_size=32, grayscale=False):
    """root/<class>/*.png|jpg|jpeg|bmp, each image resized to image_size square."""
    if not os.path.isdir(root):
        raise FileNotFoundError(f"'{root}': no such folder")
    entries = sorted(e for e in os.listdir(root) if not e.startswith("."))
    classes = [e for e in entries if os.path.isdir(os.path.join(root, e))]
    if not classes:
        raise ValueError(f"'{root}' has no class folders — expected {root}/<class>/*.png")
    channels = 1 if grayscale else 3
    xs, ys = [], []
    for k, c in enumerate(classes):
        files = sorted(f for f in os.listdir(os.path.join(root, c)) if not f.startswith(".") and
                       os.path.splitext(f)[1].lower() in (".png", ".jpg", ".jpeg", ".bmp"))
        if not files:
            raise ValueError(f"'{os.path.join(root, c)}': class folder has no images")
        for f in files:
            xs.append(_resize_chw(_decode(os.path.join(root, c, f), channels), image_size))
            ys.append(k)
    name = os.path.basename(os.path.normpath(os.path.abspath(root))) or "images"
    return Source(name, np.stack(xs), np.asarray(ys, np.float32), len(classes), classes)
