#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The report half of scripts/results.sh: read the JSON of one run
(RUN_DIR, $POTNPU_BUILD/results) and rewrite the generated sections of
docs/results.md and docs/benchmarks.md, and docs/results/*.png.

    results-report.py RUN_DIR DOCS_DIR

A generated section is everything between the lines
"<!-- BEGIN GENERATED: NAME (scripts/results.sh) -->" and
"<!-- END GENERATED: NAME -->"; the text around them is hand-written and
kept. A missing marker is an error, not a silent skip."""

import json
import os
import re
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Display order and, for the claims, the roles of the schemes.
ORDER = ["uniform8", "uniform4", "pot4", "apot3", "apot4", "apot5", "nhot1",
         "nhot2", "nhot3", "fitted4", "progressive", "progressive-mixed"]


def fail(msg):
    sys.exit("results-report.py: " + msg)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail("%s: %s" % (path, e))


def kv_file(path):
    d = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition(" ")
                d[k] = v
    return d


def weight_layers(info):
    """(weights, code bits, MACs) of each CONV2D node of a model."""
    out = []
    for n in info["nodes"]:
        if not n.get("macs"):
            continue
        t = info["tensors"][n["output"]]
        out.append((n["macs"] // (t["h"] * t["w"]), n["wbits"], n["macs"]))
    return out


def model_row(run, name):
    info = load(os.path.join(run, name + ".info.json"))
    dev = load(os.path.join(run, name + ".device.json"))
    cpu_path = os.path.join(run, name + ".cpu.json")
    # A host reference that did not run: the column says so.
    cpu = None
    if os.path.exists(cpu_path) and os.path.getsize(cpu_path):
        cpu = load(cpu_path)
    if dev.get("status") != "ok" or (cpu and cpu.get("status") != "ok"):
        fail("%s: potnpu-bench did not succeed (device %s, cpu %s)" %
             (name, dev.get("status"), cpu and cpu.get("status")))
    if cpu and cpu["graph"]["inferences"] != dev["graph"]["inferences"]:
        fail("%s: the host reference ran %d images, the device %d" %
             (name, cpu["graph"]["inferences"], dev["graph"]["inferences"]))
    layers = weight_layers(info)
    nw = sum(w for w, _, _ in layers)
    macs = sum(m for _, _, m in layers)
    total = dev["graph"]["total"]
    schemes = sorted({n["scheme"] for n in info["nodes"] if n.get("macs")})
    return {
        "name": name,
        "schemes": schemes,
        "bits": sum(w * b for w, b, _ in layers) / nw,
        "mixed": len({b for _, b, _ in layers}) > 1,
        "weights": nw,
        "code_bytes": sum(w * b for w, b, _ in layers) / 8.0,
        "weight_bytes": sum(n.get("weight_bytes", 0) for n in info["nodes"]),
        "model_bytes": dev["model"]["size"],
        "top1_dev": 100.0 * dev["results"]["accuracy"],
        "top1_cpu": 100.0 * cpu["results"]["accuracy"] if cpu else None,
        "images": dev["graph"]["inferences"],
        "macs": total["macs"],
        "terms": total["terms"],
        "terms_per_mac": total["terms"] / float(total["macs"]),
        "bitserial_per_mac": sum(m * b for _, b, m in layers) / float(macs),
        "cycles": total["cycles"],
        "ips": dev["results"]["throughput_ips"],
        "p50_ms": dev["results"]["latency_ns"]["p50"] / 1e6,
    }


def float_row(run, rows, onnx_bytes):
    f = load(os.path.join(run, "float.json"))
    nw = rows[0]["weights"]
    return {"name": "float", "bits": 32, "weights": nw,
            "weight_bytes": 4 * nw, "model_bytes": onnx_bytes,
            "top1": 100.0 * f["accuracy"], "images": f["inferences"]}


def fmt_bits(r):
    return "%.2f (mixed)" % r["bits"] if r["mixed"] else "%d" % round(r["bits"])


def main_table(rows, fl, verify):
    h = ("| scheme | weight bits | weight bytes | model bytes | top-1 on device | "
         "top-1 CPU reference | terms per MAC | shift-add terms per inference | "
         "bit-serial ops per MAC | modeled cycles per inference | images/s (device) | "
         "verified |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    s = h + ("| float (ONNX, float executor) | 32 | %d | %d | - | %.2f %% | - | - | - | - | - | - |\n"
             % (fl["weight_bytes"], fl["model_bytes"], fl["top1"]))
    for r in rows:
        label = r["name"]
        if r["mixed"]:
            label += " (" + ", ".join(r["schemes"]) + ")"
        ref = "not run" if r["top1_cpu"] is None else "%.2f %%" % r["top1_cpu"]
        s += ("| %s | %s | %d | %d | %.2f %% | %s | %.3f | %d | %.2f | %d | %.1f | %s |\n" %
              (label, fmt_bits(r), r["weight_bytes"], r["model_bytes"],
               r["top1_dev"], ref, r["terms_per_mac"], r["terms"],
               r["bitserial_per_mac"], r["cycles"], r["ips"],
               verify.get(r["name"], "?")))
    return s


def pct(a, b):
    return 100.0 * (a - b) / b


def claims_table(by, fl):
    u8, u4 = by["uniform8"], by["uniform4"]
    rows = []
    nh = by.get("nhot2")
    if nh:
        rows.append((
            "n-hot vs uniform: Sakuma et al., *n-hot: Efficient bit-level sparsity "
            "for powers-of-two neural network quantization*, arXiv 2103.11704",
            "CenterNet (MobileNet-v2) on COCO, two-stage fine-tuning: accuracy drop "
            "at most 0.3 %, about 75 % fewer operations and an 11.5 % smaller model "
            "than uniform (8-bit)",
            "nhot2 against uniform8, post-training only: top-1 %+.2f points "
            "(%.2f %% vs %.2f %%); shift-add terms %+.0f %% against uniform8's "
            "bit-serial ops (%.2f vs %.2f per MAC) but %+.0f %% against uniform8 as "
            "signed digits (%.3f per MAC); weight bytes %+.1f %% (%d vs %d, 7-bit "
            "codes), model file %+.1f %%" % (
                nh["top1_dev"] - u8["top1_dev"], nh["top1_dev"], u8["top1_dev"],
                pct(nh["terms_per_mac"], u8["bitserial_per_mac"]),
                nh["terms_per_mac"], u8["bitserial_per_mac"],
                pct(nh["terms_per_mac"], u8["terms_per_mac"]), u8["terms_per_mac"],
                pct(nh["weight_bytes"], u8["weight_bytes"]), nh["weight_bytes"],
                u8["weight_bytes"], pct(nh["model_bytes"], u8["model_bytes"]))))
    ap = by.get("apot4")
    if ap:
        rows.append((
            "APoT 4-bit vs uniform 4-bit: Li, Dong, Wang, *Additive Powers-of-Two "
            "Quantization: An Efficient Non-uniform Discretization for Neural "
            "Networks*, ICLR 2020, arXiv 1909.13144",
            "ResNet-50 on ImageNet, quantization-aware training (weights and "
            "activations 4-bit): 76.6 % top-1 and 22 % less computation than "
            "the uniformly quantized counterpart",
            "apot4 against uniform4, weights only, post-training: top-1 %+.2f "
            "points (%.2f %% vs %.2f %%); terms per MAC %+.0f %% (%.3f vs %.3f "
            "as signed digits; both %.2f bit-serial ops per MAC)" % (
                ap["top1_dev"] - u4["top1_dev"], ap["top1_dev"], u4["top1_dev"],
                pct(ap["terms_per_mac"], u4["terms_per_mac"]),
                ap["terms_per_mac"], u4["terms_per_mac"],
                u4["bitserial_per_mac"])))
    for key in ("progressive", "progressive-mixed"):
        pr = by.get(key)
        if not pr:
            continue
        # The homogeneous scheme of the same family closest in accuracy.
        homo = [r for r in by.values() if not r["mixed"]]
        near = min(homo, key=lambda r: abs(r["top1_dev"] - pr["top1_dev"]))
        rows.append((
            "Progressively decreasing bitwidth: Chu, Luo, Yang, Huang, "
            "*Mixed-Precision Quantized Neural Network with Progressively "
            "Decreasing Bitwidth*, arXiv 1912.12656" if key == "progressive" else
            "(the same, our second schedule)",
            "CNNs on CIFAR/ImageNet and detectors, trained: better or comparable "
            "accuracy with more than 30 % less memory for the quantized parameters "
            "than the homogeneous bitwidth" if key == "progressive" else "",
            "%s (%s, %.2f mean code bits): code memory %+.0f %% against uniform8 "
            "(%.0f vs %.0f bytes of codes; weight bytes %+.0f %%) at top-1 %+.2f "
            "points (%.2f %% vs %.2f %%); the homogeneous scheme nearest in "
            "accuracy, %s (%.2f %%), has %.0f bytes of codes (%+.0f %%)" % (
                key, ", ".join(pr["schemes"]), pr["bits"],
                pct(pr["code_bytes"], u8["code_bytes"]), pr["code_bytes"],
                u8["code_bytes"], pct(pr["weight_bytes"], u8["weight_bytes"]),
                pr["top1_dev"] - u8["top1_dev"], pr["top1_dev"], u8["top1_dev"],
                near["name"], near["top1_dev"], near["code_bytes"],
                pct(pr["code_bytes"], near["code_bytes"]))))
    fi = by.get("fitted4")
    if fi:
        p4 = by.get("pot4")
        rows.append((
            "Fitted levels: Zhao, Gao et al., *Focused Quantization for Sparse "
            "CNNs*, NeurIPS 2019, arXiv 1903.03046",
            "ResNet-50 on ImageNet, pruned, PoT levels fitted per layer, with "
            "lossless coding: 18.08x compression with 0.24 % top-5 loss",
            "fitted4 (15 levels fitted per layer, no pruning, no entropy coding) "
            "against the 4-bit codes: top-1 %.2f %% vs uniform4 %.2f %%, apot4 "
            "%s, pot4 %s; %.3f terms per MAC; weights %.1fx smaller than float "
            "(%d vs %d bytes)" % (
                fi["top1_dev"], u4["top1_dev"],
                "%.2f %%" % ap["top1_dev"] if ap else "-",
                "%.2f %%" % p4["top1_dev"] if p4 else "-",
                fi["terms_per_mac"], fl["weight_bytes"] / float(fi["weight_bytes"]),
                fi["weight_bytes"], fl["weight_bytes"])))
    s = "| claim (paper) | the paper's setting and number | measured here |\n|---|---|---|\n"
    for c in rows:
        s += "| %s | %s | %s |\n" % c
    return s


def run_section(m, run):
    mins = int(m.get("total_seconds", "0")) / 60.0
    with open(os.path.join(run, "guest-seconds.txt")) as f:
        guest = int(f.read().strip() or 0)
    return (
        "Run of %s on %s: `uname -m` %s, `nproc` %s, %s, %s GiB, %s; tree "
        "commit %s, models by %s; guest Debian %s under QEMU %s TCG, one "
        "potnpu device, default core budget. Images: %s. Load average "
        "(1 min) at the start of the guest run %s; (1, 5, 15 min) when the "
        "report was written %s (other work shared the 2 cores). %s\n" % (
            m.get("date"), "the project's build machine", m.get("uname_m"),
            m.get("nproc"), m.get("cpu"), m.get("mem_gib"), m.get("os"),
            m.get("commit"), m.get("compiler"), m.get("kernel"), m.get("qemu"),
            "the first %s test images" % m["count"] if m.get("count", "0") != "0"
            else "all 10 000 Fashion-MNIST test images", m.get("load_start"),
            m.get("load"),
            ("The guest run took %.0f minutes; the host's reference runs "
             "were completed after it and the report written by "
             "`scripts/results.sh --resume` (%d s)." %
             (guest / 60.0, int(m.get("total_seconds", "0")))) if m.get("resumed") else
            ("The whole `scripts/results.sh` took %.0f minutes, the guest "
             "%.0f of them." % (mins, guest / 60.0))))


def skipped_section(run):
    path = os.path.join(run, "skipped.txt")
    lines = open(path).read().split("\n") if os.path.exists(path) else []
    lines = [line for line in lines if line]
    if not lines:
        return "Every scheme of the list compiled; none was skipped.\n"
    return "Skipped, the compiler having no such option (its `--help`): %s.\n" % (
        ", ".join("%s (needs `%s`)" % tuple(line.split(" ", 1)) for line in lines))


def throughput_section(by, m, run):
    u8 = by["uniform8"]
    cpu = load(os.path.join(run, "throughput.cpu.json"))
    ips = cpu["results"]["throughput_ips"]
    p50 = cpu["results"]["latency_ns"]["p50"] / 1e6
    return (
        "%s, the project's build machine (`uname -m` %s, `nproc` %s, %s), "
        "`scripts/results.sh`: the default model (uniform8) over %s on the "
        "NPU in the guest (QEMU %s TCG, one device, default core budget) "
        "against libpotnpu's CPU reference executor natively on the host "
        "(`potnpu-bench --cpu`, the first 2000 test images, after the guest "
        "had exited; load average then %s).\n\n"
        "| | NPU in the guest | CPU reference, host | ratio NPU / host |\n"
        "|---|---|---|---|\n"
        "| images per second | %.1f | %.1f | %.2f |\n"
        "| latency per image, p50 | %.1f ms | %.1f ms | %.2f |\n" % (
            m.get("date"), m.get("uname_m"), m.get("nproc"), m.get("cpu"),
            ("all %d test images" if m.get("count", "0") == "0" else
             "the first %d test images") % u8["images"], m.get("qemu"), m.get("load"),
            u8["ips"], ips, u8["ips"] / ips, u8["p50_ms"], p50,
            u8["p50_ms"] / p50))


def plots(rows, fl, outdir):
    os.makedirs(outdir, exist_ok=True)

    def style(ax, xl, yl, title):
        ax.set_xlabel(xl)
        ax.set_ylabel(yl)
        ax.set_title(title)
        ax.grid(True, alpha=0.3)

    def label_points(ax, xs, ys, names):
        # Points that (nearly) coincide share one label, stacked ones
        # offset, so no two names print over each other.
        spanx = (max(xs) - min(xs)) or 1.0
        spany = (max(ys) - min(ys)) or 1.0
        groups = []
        for x, y, n in zip(xs, ys, names):
            for g in groups:
                if abs(g[0] - x) < 0.02 * spanx and abs(g[1] - y) < 0.02 * spany:
                    g[2].append(n)
                    break
            else:
                groups.append([x, y, [n]])
        for i, (x, y, ns) in enumerate(groups):
            near = sum(1 for gx, gy, _ in groups[:i]
                       if abs(gx - x) < 0.15 * spanx and abs(gy - y) < 0.06 * spany)
            ax.annotate(", ".join(ns), (x, y), textcoords="offset points",
                        xytext=(4, 3 - 10 * near), fontsize=8)

    xs = [r["bits"] for r in rows]
    names = [r["name"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ys = [r["top1_dev"] for r in rows]
    ax.scatter(xs, ys)
    label_points(ax, xs, ys, names)
    ax.axhline(fl["top1"], linestyle="--", color="gray")
    ax.annotate("float %.2f %%" % fl["top1"], (min(xs), fl["top1"]),
                textcoords="offset points", xytext=(0, 4), fontsize=8)
    style(ax, "weight code bits (mean over weights)", "top-1 on the device, %",
          "Fashion-MNIST CNN: accuracy vs bits")
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "accuracy-vs-bits.png"), dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    ys = [r["terms_per_mac"] for r in rows]
    ax.scatter(xs, ys, label="shift-add terms executed")
    label_points(ax, xs, ys, names)
    bx = sorted(set(round(x, 3) for x in xs))
    ax.plot(bx, bx, linestyle="--", color="gray", label="bit-serial: b per b-bit weight")
    ax.axhline(rows[0]["terms_per_mac"], linestyle=":", color="tab:red",
               label="uniform8 as signed digits")
    ax.legend(fontsize=8)
    style(ax, "weight code bits (mean over weights)", "terms per MAC",
          "Terms per MAC vs bits")
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "terms-vs-bits.png"), dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    xs = [r["model_bytes"] for r in rows]
    ys = [r["top1_dev"] for r in rows]
    ax.scatter(xs, ys)
    label_points(ax, xs, ys, names)
    ax.axhline(fl["top1"], linestyle="--", color="gray")
    ax.annotate("float %.2f %% (%d-byte ONNX file)" % (fl["top1"], fl["model_bytes"]),
                (min(xs), fl["top1"]), textcoords="offset points", xytext=(0, 4),
                fontsize=8)
    style(ax, "model file bytes", "top-1 on the device, %", "Model bytes vs accuracy")
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "bytes-vs-accuracy.png"), dpi=100)
    plt.close(fig)


def replace_section(path, name, body):
    with open(path) as f:
        text = f.read()
    pat = re.compile(r"(<!-- BEGIN GENERATED: %s \(scripts/results.sh\) -->\n)"
                     r".*?(<!-- END GENERATED: %s -->)" % (re.escape(name), re.escape(name)),
                     re.S)
    if not pat.search(text):
        fail("%s: no generated section '%s'" % (path, name))
    text = pat.sub(lambda mo: mo.group(1) + body + mo.group(2), text)
    with open(path, "w") as f:
        f.write(text)


def main():
    if len(sys.argv) != 3:
        fail("usage: results-report.py RUN_DIR DOCS_DIR")
    run, docs = sys.argv[1], sys.argv[2]
    m = kv_file(os.path.join(run, "machine.txt"))
    names = [n for n in ORDER if os.path.exists(os.path.join(run, n + ".device.json"))]
    if "uniform8" not in names or "uniform4" not in names:
        fail("%s: no uniform8 or uniform4 results" % run)
    rows = [model_row(run, n) for n in names]
    by = {r["name"]: r for r in rows}
    onnx = os.path.join(os.path.dirname(os.path.abspath(docs)), "models",
                        "fashion-mnist-cnn.onnx")
    fl = float_row(run, rows, os.path.getsize(onnx))
    verify = {}
    for line in open(os.path.join(run, "guest-lines.txt")):
        w = line.split()
        if w[0] == "potnpu-results-verify":
            verify[w[1]] = ("first %s inferences byte-exact" % w[3]) if w[2] == "0" else "**differs**"
    for r in rows:
        if r["top1_cpu"] is not None and abs(r["top1_dev"] - r["top1_cpu"]) > 1e-9:
            verify[r["name"]] = verify.get(r["name"], "") + "; **device and CPU top-1 differ**"
    results_md = os.path.join(docs, "results.md")
    replace_section(results_md, "run", run_section(m, run) + "\n" + skipped_section(run))
    replace_section(results_md, "table", main_table(rows, fl, verify))
    replace_section(results_md, "claims", claims_table(by, fl))
    replace_section(os.path.join(docs, "benchmarks.md"), "throughput",
                    throughput_section(by, m, run))
    plots(rows, fl, os.path.join(docs, "results"))


if __name__ == "__main__":
    main()
