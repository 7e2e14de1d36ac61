"""Safetensors files and Gradscope checkpoints, in numpy (no torch needed).

A Gradscope checkpoint is a safetensors file of float32 tensors with string
metadata; docs/checkpoint.md lists the tensor names and metadata keys. Files
are written to a temporary file in the same directory and renamed, so a
crash never leaves half a checkpoint.
"""
import json
import os
import struct
import tempfile
from collections import OrderedDict

import numpy as np

FORMAT = "gradscope-checkpoint-1"
_MAX_HEADER = 16 * 1024 * 1024
_DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64,
           "I32": np.int32, "U8": np.uint8}


class CheckpointError(ValueError):
    """A file that is not a (matching) Gradscope checkpoint; the message names it."""


def read_safetensors(path):
    """Returns (tensors, metadata): an OrderedDict name -> numpy array, in file order."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise CheckpointError(f"'{path}': {len(raw)} bytes is too short for a safetensors file")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > _MAX_HEADER or 8 + n > len(raw):
        raise CheckpointError(f"'{path}': the header claims {n} bytes; the file has {len(raw)}")
    try:
        header = json.loads(raw[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckpointError(f"'{path}': the header is not JSON ({e})") from None
    if not isinstance(header, dict):
        raise CheckpointError(f"'{path}': the header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    data = memoryview(raw)[8 + n:]
    entries = sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0])
    tensors = OrderedDict()
    for name, info in entries:
        dtype = _DTYPES.get(info.get("dtype"))
        if dtype is None:
            raise CheckpointError(f"'{path}': tensor '{name}' has dtype {info.get('dtype')}")
        begin, end = info["data_offsets"]
        shape = [int(d) for d in info["shape"]]
        count = int(np.prod(shape)) if shape else 1
        if not 0 <= begin <= end <= len(data) or end - begin != count * np.dtype(dtype).itemsize:
            raise CheckpointError(f"'{path}': tensor '{name}' has offsets {begin}..{end} that do "
                                  f"not fit its shape {shape} or the file")
        tensors[name] = np.frombuffer(data[begin:end], dtype=dtype).reshape(shape).copy()
    # Back to the order of the header as written (the data order is the same for ours).
    return tensors, {str(k): str(v) for k, v in metadata.items()}


def write_file_atomic(path, data):
    """Writes bytes through a temporary file in the same directory, then renames it."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def write_safetensors(path, tensors, metadata=None):
    """tensors: an ordered mapping (or list of pairs) name -> array, written as float32."""
    items = list(tensors.items()) if hasattr(tensors, "items") else list(tensors)
    header = OrderedDict()
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs, offset = [], 0
    for name, value in items:
        a = np.ascontiguousarray(np.asarray(value, dtype=np.float32))
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)  # the data starts 8-byte aligned
    write_file_atomic(path, struct.pack("<Q", len(text)) + text + b"".join(blobs))


class Checkpoint:
    """A Gradscope checkpoint: tensors by name and the metadata of docs/checkpoint.md."""

    def __init__(self, tensors, metadata):
        self.tensors = tensors
        self.metadata = metadata

    def _int(self, key):
        try:
            return int(self.metadata.get(key, "0"))
        except ValueError:
            raise CheckpointError(f"metadata '{key}' is not a number: "
                                  f"{self.metadata.get(key)!r}") from None

    @property
    def spec(self):
        """The model spec (a dict, the JSON of docs/model-spec.md)."""
        return json.loads(self.metadata["spec"]) if "spec" in self.metadata else None

    step = property(lambda self: self._int("step"))
    epoch = property(lambda self: self._int("epoch"))
    epoch_position = property(lambda self: self._int("epoch_position"))
    optimizer_steps = property(lambda self: self._int("optimizer_steps"))
    optimizer = property(lambda self: self.metadata.get("optimizer", ""))


def load_checkpoint(path):
    tensors, metadata = read_safetensors(path)
    if metadata.get("format") != FORMAT:
        raise CheckpointError(f"'{path}' is not a Gradscope checkpoint (no format "
                              f"\"{FORMAT}\" in its metadata)")
    return Checkpoint(tensors, metadata)


def save_checkpoint(path, tensors, spec_json, step=0, epoch=0, epoch_position=0,
                    optimizer="", optimizer_steps=0):
    """Writes tensors (name -> array) with Gradscope's metadata; spec_json is a string."""
    metadata = OrderedDict([
        ("epoch", str(int(epoch))),
        ("epoch_position", str(int(epoch_position))),
        ("format", FORMAT),
        ("optimizer", optimizer),
        ("optimizer_steps", str(int(optimizer_steps))),
        ("spec", spec_json),
        ("step", str(int(step))),
    ])
    write_safetensors(path, tensors, metadata)
