#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# Train potnpu's default model, a small Fashion-MNIST CNN made only of ops
# the device runs exactly (CONV2D incl. depthwise, MAXPOOL, ADD, global
# AVGPOOL, fully connected; BatchNormalization for the compiler to fold and
# ReLU for it to fuse as a clamp), and export it to ONNX.
#
# Seeded and single-threaded: the same command on the same machine gives the
# same file. It uses Debian's python3-torch and python3-onnx and reads the
# IDX files of dataset-fashion-mnist itself (nothing is downloaded). These
# packages are for retraining only; `make run` uses the committed ONNX file.
#
#   apt-get install -y python3-torch python3-onnx dataset-fashion-mnist
#   /usr/bin/python3 scripts/train-default-model.py
#
# Writes models/fashion-mnist-cnn.onnx, models/fashion-mnist-cnn.json and
# models/fashion-mnist-labels.txt, then checks the ONNX file with
# onnx.checker and runs it on the 10 000 test images with the small numpy
# executor below (onnx 1.12 has no onnx.reference), which must give the
# same top-1 predictions as torch.

import argparse
import datetime
import gzip
import hashlib
import json
import os
import platform
import random
import struct
import sys
import time
import warnings

PACKAGES = "python3-torch python3-onnx dataset-fashion-mnist"

try:
    import numpy as np
    import onnx
    import onnx.checker
    import onnx.numpy_helper
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:
    sys.exit(f"train-default-model: {e}.\n"
             f"Retraining needs Debian's packages: apt-get install -y {PACKAGES}\n"
             f"and Debian's interpreter, /usr/bin/python3 (not a venv or pyenv one).")

DATA_DIR = "/usr/share/datasets/fashion-mnist"
LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
OPSET = 13


# --- data -----------------------------------------------------------------

def read_idx(path, magic, ndim):
    """An IDX file (big-endian header: magic, then ndim 32-bit sizes; u8 data)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 + 4 * ndim:
        sys.exit(f"train-default-model: {path}: truncated header")
    got = struct.unpack(">I", data[:4])[0]
    if got != magic:
        sys.exit(f"train-default-model: {path}: magic 0x{got:08x}, "
                 f"expected 0x{magic:08x}")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = data[4 + 4 * ndim:]
    if len(body) != int(np.prod(dims)):
        sys.exit(f"train-default-model: {path}: {len(body)} data bytes, "
                 f"header says {dims}")
    return np.frombuffer(body, dtype=np.uint8).reshape(dims)


def load_split(data_dir, split):
    img = os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz")
    lbl = os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz")
    for p in (img, lbl):
        if not os.path.exists(p):
            sys.exit(f"train-default-model: {p} is missing.\n"
                     f"Install the data set: apt-get install -y dataset-fashion-mnist")
    x = read_idx(img, 0x00000803, 3)
    y = read_idx(lbl, 0x00000801, 1)
    if x.shape[0] != y.shape[0] or x.shape[1:] != (28, 28):
        sys.exit(f"train-default-model: {split}: images {x.shape}, labels {y.shape}")
    return x, y


def preprocess(x_u8):
    """The model's input: pixel / 255 in [0, 1], N x 1 x 28 x 28, no mean/std."""
    return (x_u8.astype(np.float32) / 255.0)[:, None, :, :]


# --- the network ----------------------------------------------------------

class FashionCNN(nn.Module):
    """1x28x28 -> 10 logits; every layer maps onto one device op."""

    def __init__(self, c1=16, c2=32, c3=64, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, c1, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c1)
        self.dw = nn.Conv2d(c1, c1, 3, padding=1, groups=c1, bias=False)
        self.bn_dw = nn.BatchNorm2d(c1)
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c2)
        self.conv3 = nn.Conv2d(c2, c3, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(c3)
        self.fc = nn.Linear(c3, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))           # 16x28x28
        x = F.max_pool2d(x, 2)                        # 16x14x14
        x = x + F.relu(self.bn_dw(self.dw(x)))        # residual, depthwise
        x = F.relu(self.bn2(self.conv2(x)))           # 32x14x14
        x = F.max_pool2d(x, 2)                        # 32x7x7
        x = F.relu(self.bn3(self.conv3(x)))           # 64x7x7
        x = F.adaptive_avg_pool2d(x, 1)               # 64x1x1, global
        x = torch.flatten(x, 1)                       # 64
        return self.fc(x)                             # 10 logits


def evaluate(model, x, y, batch=1000):
    model.eval()
    preds, logits = [], []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out = model(torch.from_numpy(x[i:i + batch]))
            logits.append(out.numpy())
            preds.append(out.argmax(1).numpy())
    preds = np.concatenate(preds)
    return float((preds == y).mean()), preds, np.concatenate(logits)


# --- a small numpy executor for the exported graph -------------------------

def np_conv(x, w, b, attrs):
    """ONNX Conv, NCHW, any groups/strides/pads/dilations (im2col)."""
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    g = attrs.get("group", 1)
    sh, sw = attrs.get("strides", [1, 1])
    dh, dw = attrs.get("dilations", [1, 1])
    pt, pl, pb, pr = attrs.get("pads", [0, 0, 0, 0])
    if attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise ValueError("auto_pad is not supported by this checker")
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    oh = (h + pt + pb - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + pl + pr - dw * (kw - 1) - 1) // sw + 1
    y = np.empty((n, m, oh, ow), dtype=np.float32)
    mg = m // g
    for gi in range(g):
        xs = xp[:, gi * cg:(gi + 1) * cg]
        cols = np.empty((n, cg, kh, kw, oh, ow), dtype=np.float32)
        for i in range(kh):
            for j in range(kw):
                cols[:, :, i, j] = xs[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                                      j * dw:j * dw + sw * (ow - 1) + 1:sw]
        wg = w[gi * mg:(gi + 1) * mg].reshape(mg, -1)
        y[:, gi * mg:(gi + 1) * mg] = np.einsum(
            "mk,nkp->nmp", wg, cols.reshape(n, cg * kh * kw, oh * ow)
        ).reshape(n, mg, oh, ow)
    if b is not None:
        y += b[None, :, None, None]
    return y


def np_maxpool(x, attrs):
    kh, kw = attrs["kernel_shape"]
    sh, sw = attrs.get("strides", [1, 1])
    if any(attrs.get("pads", [0, 0, 0, 0])) or attrs.get("ceil_mode", 0):
        raise ValueError("MaxPool pads/ceil_mode are not supported by this checker")
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    y = np.full((n, c, oh, ow), -np.inf, dtype=np.float32)
    for i in range(kh):
        for j in range(kw):
            y = np.maximum(y, x[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw])
    return y


def run_onnx_numpy(model_proto, x):
    """Run the graph on a batch (the batch dimension is only ours: the file's
    input is 1x1x28x28; every op here is batch-independent)."""
    g = model_proto.graph
    env = {t.name: onnx.numpy_helper.to_array(t).astype(np.float32)
           for t in g.initializer}
    env[g.input[0].name] = x
    for node in g.node:
        a = {at.name: onnx.helper.get_attribute_value(at) for at in node.attribute}
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Conv":
            out = np_conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
        elif op == "BatchNormalization":
            xx, sc, bi, mu, var = ins
            eps = a.get("epsilon", 1e-5)
            k = sc / np.sqrt(var + eps)
            out = (xx - mu[None, :, None, None]) * k[None, :, None, None] \
                + bi[None, :, None, None]
        elif op == "Relu":
            out = np.maximum(ins[0], 0)
        elif op == "MaxPool":
            out = np_maxpool(ins[0], a)
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "GlobalAveragePool":
            out = ins[0].mean(axis=(2, 3), keepdims=True)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            out = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Gemm":
            A, B = ins[0], ins[1]
            if a.get("transA", 0):
                A = A.T
            if a.get("transB", 0):
                B = B.T
            out = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                out = out + a.get("beta", 1.0) * ins[2]
        else:
            raise ValueError(f"node {node.name}: op {op} is not supported by this checker")
        env[node.output[0]] = out.astype(np.float32)
    return env[g.output[0].name]


def machine():
    cpu = platform.processor() or "cpu"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{platform.machine()} {cpu}, {os.cpu_count()} cores (1 used)"


# --- main -----------------------------------------------------------------

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    models = os.path.join(os.path.dirname(here), "models")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--data-dir", default=DATA_DIR)
    ap.add_argument("--out-dir", default=models)
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.01, help="one-cycle peak")
    ap.add_argument("--seed", type=int, default=8)
    args = ap.parse_args()

    # One core: others build and run timing-sensitive tests on the other one.
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False

    xtr_u8, ytr = load_split(args.data_dir, "train")
    xte_u8, yte = load_split(args.data_dir, "t10k")
    xtr, xte = preprocess(xtr_u8), preprocess(xte_u8)
    xtr_t = torch.from_numpy(xtr)
    ytr_t = torch.from_numpy(ytr.astype(np.int64))

    model = FashionCNN()
    params = sum(p.numel() for p in model.parameters())
    steps_per_epoch = (len(xtr) + args.batch_size - 1) // args.batch_size
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch)
    gen = torch.Generator().manual_seed(args.seed)
    print(f"train-default-model: {params} parameters, {args.epochs} epochs, "
          f"seed {args.seed}, {torch.get_num_threads()} thread", flush=True)

    t0 = time.monotonic()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        total, seen = 0.0, 0
        for s in range(steps_per_epoch):
            idx = perm[s * args.batch_size:(s + 1) * args.batch_size]
            xb, yb = xtr_t[idx], ytr_t[idx]
            # Clothes are left-right symmetric: flip half the batch.
            flip = torch.rand(len(idx), generator=gen) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
            seen += len(idx)
        acc, _, _ = evaluate(model, xte, yte)
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / seen:.4f}, "
              f"test top-1 {acc * 100:.2f}%, {time.monotonic() - t0:.0f} s",
              flush=True)
    train_s = time.monotonic() - t0

    acc, torch_pred, torch_logits = evaluate(model, xte, yte)

    # Export: static 1x1x28x28 input; PRESERVE keeps BatchNormalization as
    # nodes (the model is in eval mode: running statistics) so the compiler's
    # BN folding is exercised by the default model.
    os.makedirs(args.out_dir, exist_ok=True)
    onnx_path = os.path.join(args.out_dir, "fashion-mnist-cnn.onnx")
    model.eval()
    # torch warns about constant folding with PRESERVE even in eval mode,
    # where nothing learnable is folded (the numpy check below would see it).
    warnings.filterwarnings("ignore", message="It is recommended that constant folding")
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), onnx_path,
                      input_names=["input"], output_names=["logits"],
                      opset_version=OPSET, do_constant_folding=True,
                      training=torch.onnx.TrainingMode.PRESERVE)
    m = onnx.load(onnx_path)
    m.producer_name = "potnpu scripts/train-default-model.py"
    m.doc_string = ("Fashion-MNIST CNN, potnpu default model. Input: pixel/255, "
                    "1x1x28x28 NCHW. Output: 10 logits (softmax on the host). "
                    "Labels: " + ", ".join(LABELS))
    onnx.save(m, onnx_path)
    onnx.checker.check_model(onnx_path, full_check=True)

    # The exported file must predict what torch predicted, image for image.
    m = onnx.load(onnx_path)
    np_logits = np.concatenate([run_onnx_numpy(m, xte[i:i + 500])
                                for i in range(0, len(xte), 500)])
    np_pred = np_logits.argmax(1)
    same = int((np_pred == torch_pred).sum())
    maxdiff = float(np.abs(np_logits - torch_logits).max())
    onnx_acc = float((np_pred == yte).mean())
    print(f"onnx (numpy executor): top-1 {onnx_acc * 100:.2f}%, "
          f"{same}/{len(yte)} predictions equal to torch's, "
          f"max |logit difference| {maxdiff:.2e}")
    if same != len(yte):
        sys.exit("train-default-model: the ONNX file does not predict what torch does")

    with open(onnx_path, "rb") as f:
        blob = f.read()
    sha = hashlib.sha256(blob).hexdigest()
    with open(os.path.join(args.out_dir, "fashion-mnist-labels.txt"), "w") as f:
        f.write("\n".join(LABELS) + "\n")
    info = {
        "model": "fashion-mnist-cnn.onnx",
        "sha256": sha,
        "bytes": len(blob),
        "parameters": params,
        "opset": OPSET,
        "input": {"name": "input", "shape": [1, 1, 28, 28], "layout": "NCHW",
                  "preprocessing": "pixel / 255", "mean": 0.0, "std": 1.0},
        "output": {"name": "logits", "shape": [1, 10], "softmax": "host"},
        "dataset": "Fashion-MNIST (Debian dataset-fashion-mnist)",
        "test_images": int(len(yte)),
        "float_top1_accuracy": round(acc, 4),
        "onnx_top1_accuracy": round(onnx_acc, 4),
        "onnx_predictions_equal_torch": same,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "threads": torch.get_num_threads(),
        "training_seconds": round(train_s, 1),
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
        "torch": torch.__version__,
        "onnx": onnx.__version__,
    }
    with open(os.path.join(args.out_dir, "fashion-mnist-cnn.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print(f"train-default-model: {onnx_path}: {len(blob)} bytes, sha256 {sha}, "
          f"float top-1 {acc * 100:.2f}%, trained in {train_s:.0f} s")


if __name__ == "__main__":
    main()
