#!/usr/bin/python3
"""The matplotlib baseline of build/bench/card_bench: the same card (caption in Chinese and
English, loss and val_loss curves, the firing epoch marked), drawn and saved as a PNG.

    card_bench.py DATA.json RUNS OUT.png

DATA.json: {"caption_zh", "caption_en", "subject", "epochs", "series": {name: [values]}, "marked"}.
Prints one JSON line: {"median_ms", "p99_ms", "mean_ms", "bytes"}, timing each card from a new
figure to the PNG bytes (Python's start and matplotlib's import are not counted).
"""
import io
import json
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

plt.rcParams["font.family"] = ["Noto Sans CJK SC", "DejaVu Sans"]


def card(data):
    fig = plt.figure(figsize=(12, 6.75), dpi=100)  # 1200 x 675, as the card
    fig.text(0.04, 0.93, data["caption_zh"], fontsize=28, weight="bold", va="top")
    fig.text(0.04, 0.84, data["caption_en"], fontsize=18, color="#6b6b7b", va="top")
    fig.text(0.04, 0.03, data["subject"], fontsize=13, color="#6b6b7b")
    ax = fig.add_axes([0.08, 0.12, 0.88, 0.62])
    for name, values in data["series"].items():
        ax.plot(data["epochs"], values, label=name, linewidth=3)
    ax.axvline(data["marked"], color="#d62839", linewidth=3)
    ax.legend(loc="upper center", ncol=len(data["series"]), frameon=False)
    ax.grid(axis="y", color="#e4e2dc")
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def main():
    data = json.load(open(sys.argv[1], encoding="utf-8"))
    runs = int(sys.argv[2])
    png = card(data)  # warm up: fonts found and cached
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        png = card(data)
        samples.append((time.perf_counter() - start) * 1000)
    open(sys.argv[3], "wb").write(png)
    samples.sort()
    print(json.dumps({"median_ms": samples[len(samples) // 2], "p99_ms": samples[len(samples) * 99 // 100],
                      "mean_ms": sum(samples) / len(samples), "bytes": len(png)}))


if __name__ == "__main__":
    main()
