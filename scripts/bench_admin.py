"""Cost of the administrative map (assistant.admin): first load (time, memory), then the
per-call latency of resolve / match_units / related_place_names. Prints numbers; asserts none.

    .venv/bin/python scripts/bench_admin.py
"""
from __future__ import annotations

import gc
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, inputs, repeat: int = 3) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        for item in inputs:
            start = time.perf_counter()
            fn(item)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    before = rss_mb()
    start = time.perf_counter()
    from assistant.admin import atlas, match_units, related_place_names, resolve

    data = atlas()
    load_s = time.perf_counter() - start
    gc.collect()
    after = rss_mb()
    print(f"atlas: {len(data.units)} units ({len(data.current)} current) from {data.source}")
    print(f"first load: {load_s:.3f} s, RSS +{after - before:.1f} MB (process {after:.1f} MB)")

    names = ["xã Tịnh Khê", "tinh thien", "TP.HCM", "thị xã Hương Thủy", "Hòa An", "phường Long Mỹ", "tỉnh Phú Yên",
             "huyện Phú Tân", "Phường 2", "đặc khu Phú Quốc"]
    unknown = ["Tinh Thein", "Thừa Thiên Huế", "phường Hoa Sen Tím"]
    sentences = ["Căn cứ Kế hoạch số 87/KH-UBND ngày 26/9/2025 của UBND thành phố Cần Thơ về việc phát triển hạ tầng số",
                 "Theo dõi, đánh giá và định kỳ hàng năm báo cáo Ủy ban nhân dân (UBND) huyện Phú Tân, tỉnh An Giang",
                 "ke hoach cua xa tinh thien nam 2025 co bao nhieu chi tieu"]
    for label, fn, inputs in (("resolve (known)", resolve, names), ("resolve (unknown: suggestions)", resolve, unknown),
                              ("match_units (sentence)", match_units, sentences),
                              ("related_place_names", related_place_names, names[:4])):
        p50, p95 = timed(fn, inputs)
        print(f"{label:32} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")


if __name__ == "__main__":
    main()
