"""The assignment's coroutine version of pc, timed for `prodcons bench`.

Usage: python3 pc_asyncio.py NUM_ITERS NUM_PRODS_CONS CAPACITY

The algorithm is the assignment's: producer, consumer and pc are coroutines that communicate
through asyncio.Queue objects; pc creates a task per producer and per consumer, awaits the
producers, then the consumers, then sums the results. It runs under asyncio.run, in its own
event loop, so any capacity works (the assignment's notebook note about capacity 10 concerns
only a loop shared with Jupyter). The clock runs inside the event loop, as the assignment's
`await pc(...)` cell times it. It prints the assignment's three lines, then `elapsed_s=SECONDS`
to the microsecond, which is the line the harness reads.
"""

import asyncio
import sys
from asyncio import Queue, create_task
from time import perf_counter


async def producer(n: int, b: Queue):
    for i in range(n):
        await b.put(i)


async def consumer(n: int, b: Queue, r: Queue):
    s = 0
    for _ in range(n):
        item = await b.get()
        s += item
    await r.put(s)


async def pc(numIters: int, numProdsCons: int, capacity: int):  # capacity = 0 for unbounded
    buf, result = Queue(capacity), Queue(numProdsCons)
    producer_tasks = [create_task(producer(numIters, buf)) for _ in range(numProdsCons)]
    consumer_tasks = [create_task(consumer(numIters, buf, result)) for _ in range(numProdsCons)]

    for p in producer_tasks:
        await p
    for c in consumer_tasks:
        await c

    s = 0
    for _ in range(numProdsCons):
        item = await result.get()
        s += item

    print("The computed total sum is", s)
    print("The expected total sum is", numIters * (numIters - 1) // 2 * numProdsCons)


async def timed(num_iters: int, num_prods_cons: int, capacity: int) -> float:
    start = perf_counter()
    await pc(num_iters, num_prods_cons, capacity)
    return perf_counter() - start


def main():
    num_iters, num_prods_cons, capacity = (int(arg) for arg in sys.argv[1:4])
    elapsed = asyncio.run(timed(num_iters, num_prods_cons, capacity))
    print("Elapsed time", round(elapsed, 3), "sec")
    print(f"elapsed_s={elapsed:.6f}")


if __name__ == "__main__":
    main()
