"""The cost of one put+get pair on one thread or one task, with no contention, in CPython.

Usage: python3 per_op.py [PAIRS [REPETITIONS]]    (defaults: 200000 pairs, 7 repetitions)

The pairs are `q.put(i); q.get()` on an unbounded queue.Queue, and `await q.put(i);
await q.get()` on an unbounded asyncio.Queue in one task. To explain the gap between them, it
also times the parts queue.Queue adds and asyncio.Queue does not need: one uncontended
`with lock:` (a put and a get each take the queue's lock once) and one `Condition.notify()`
with no waiter, under its lock (each put and get notifies once); and asyncio's
`put_nowait(i); get_nowait()`, the pair without the coroutine calls around it. `empty_loop`
is the loop itself, for reading the others against.

Prints one line, `per_op=` and a JSON object: for each measurement, the median, min and max
over the repetitions of nanoseconds per iteration (a pair, or one lock or notify).
`prodcons bench` runs it beside the same pair on its own queues (crates/bench/src/per_op.rs).
"""

import asyncio
import json
import queue
import statistics
import sys
import threading
from time import perf_counter_ns


def empty_loop(n):
    start = perf_counter_ns()
    for i in range(n):
        pass
    return perf_counter_ns() - start


def queue_pairs(n):
    q = queue.Queue()
    start = perf_counter_ns()
    for i in range(n):
        q.put(i)
        q.get()
    return perf_counter_ns() - start


def lock_with(n):
    lock = threading.Lock()
    start = perf_counter_ns()
    for i in range(n):
        with lock:
            pass
    return perf_counter_ns() - start


def condition_notify(n):
    condition = threading.Condition()
    with condition:
        start = perf_counter_ns()
        for i in range(n):
            condition.notify()
        return perf_counter_ns() - start


async def _asyncio_pairs(n):
    q = asyncio.Queue()
    start = perf_counter_ns()
    for i in range(n):
        await q.put(i)
        await q.get()
    return perf_counter_ns() - start


async def _asyncio_nowait_pairs(n):
    q = asyncio.Queue()
    start = perf_counter_ns()
    for i in range(n):
        q.put_nowait(i)
        q.get_nowait()
    return perf_counter_ns() - start


def asyncio_pairs(n):
    # The clock runs inside the loop, as pc_asyncio.py's does: loop start-up is not a pair.
    return asyncio.run(_asyncio_pairs(n))


def asyncio_nowait_pairs(n):
    return asyncio.run(_asyncio_nowait_pairs(n))


MEASUREMENTS = {
    "queue.Queue": queue_pairs,
    "asyncio.Queue": asyncio_pairs,
    "lock_with": lock_with,
    "condition_notify": condition_notify,
    "asyncio_nowait": asyncio_nowait_pairs,
    "empty_loop": empty_loop,
}


def main():
    pairs = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    times = {name: [] for name in MEASUREMENTS}
    # Interleaved, so that every measurement sees the same noise.
    for _ in range(repetitions):
        for name, measure in MEASUREMENTS.items():
            times[name].append(measure(pairs) / pairs)
    result = {
        name: {"median_ns": statistics.median(ns), "min_ns": min(ns), "max_ns": max(ns)}
        for name, ns in times.items()
    }
    print("per_op=" + json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
