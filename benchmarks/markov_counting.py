"""How long a Markov chain takes to count Hamlet, beside the time to read the play.

    python benchmarks/markov_counting.py [--orders 1,3,5] [--rounds 5]

Both are medians of rounds in this one process: reading the text and making its
token ids (the task), then counting every transition of the training text at the
given order in one call, as a run's first ~80 steps do between them."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import torch

from engine.data import TaskInfo
from engine.models.markov import MarkovChain
from engine.presets import load_preset
from engine.spec import ModelSpec
from engine.tasks import build_task


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", default="1,3,5")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    spec = load_preset("shakespeare-lstm").task
    print(f"{platform.machine()} CPU, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads; "
          f"torch {torch.__version__}")
    reads = []
    for _ in range(args.rounds):
        began = time.perf_counter()
        task = build_task(spec, "lm", 0)
        reads.append(time.perf_counter() - began)
    text = task.train_text()
    read = statistics.median(reads)
    print(f"read Hamlet and make its ids: {read * 1000:.0f} ms ({len(text):,} training characters)")
    vocab = task.info.tgt_vocab_size
    for order in (int(k) for k in args.orders.split(",")):
        times = []
        for _ in range(args.rounds):
            chain = MarkovChain(ModelSpec(family="markov", order=order), TaskInfo("lm", vocab, vocab, 0, 64, 0, ""))
            began = time.perf_counter()
            chain.count(text, len(text))
            times.append(time.perf_counter() - began)
        counted = statistics.median(times)
        print(f"order {order}: counted in {counted * 1000:.0f} ms ({counted / read:.2f}x the read), "
              f"{chain.transitions_counted:,} distinct transitions kept")


if __name__ == "__main__":
    main()
