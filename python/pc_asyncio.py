"""The assignment's coroutine version of pc, timed for `prodcons bench`.

Usage: python3 pc_asyncio.py NUM_ITERS NUM_PRODS_CONS CAPACITY [producers-first|paired] [--count]
       [--handoff] [--trace FILE]

The algorithm is the assignment's: producer, consumer and pc are coroutines that communicate
through asyncio.Queue objects; pc creates a task per producer and per consumer, awaits the
producers, then the consumers, then sums the results. It runs under asyncio.run, in its own
event loop, so any capacity works (the assignment's notebook note about capacity 10 concerns
only a loop shared with Jupyter). The clock runs inside the event loop, as the assignment's
`await pc(...)` cell times it. It prints the assignment's three lines, then `elapsed_s=SECONDS`
to the microsecond, which is the line the harness reads.

`paired` and `--count` work as in pc_threads.py: the first starts each producer with its
consumer instead of the assignment's order, the second is the harness's counting mode.
`--handoff` is an intervention, not the assignment's program: the buffer is a HandoffQueue
(handoff_queue.py), whose waiters are handed their item or slot before they wake, so none wakes
to find its item taken; the result queue stays an asyncio.Queue. It prints the same lines.
`--trace FILE` writes a timeline of every wait and wakeup, as in pc_threads.py, naming each task
after its role (`consumer-0`).
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


async def pc(numIters: int, numProdsCons: int, capacity: int, paired=False, Buffer=Queue):
    # capacity = 0 for unbounded
    buf, result = Buffer(capacity), Queue(numProdsCons)
    if paired:
        tasks = [
            create_task(work)
            for _ in range(numProdsCons)
            for work in (producer(numIters, buf), consumer(numIters, buf, result))
        ]
        producer_tasks, consumer_tasks = tasks[0::2], tasks[1::2]
    else:
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


async def timed(*args) -> float:
    start = perf_counter()
    await pc(*args)
    return perf_counter() - start


def main():
    num_iters, num_prods_cons, capacity = (int(arg) for arg in sys.argv[1:4])
    paired = "paired" in sys.argv[4:]
    handoff = "--handoff" in sys.argv[4:]
    if "--trace" in sys.argv[4:]:
        from mechanism_counts import (CountingAsyncQueue, CountingHandoffQueue, TraceRecorder,
                                      open_trace, role_named_create_task)
        global create_task
        out = open_trace(sys.argv[sys.argv.index("--trace") + 1])
        create_task = role_named_create_task()
        Buffer = CountingHandoffQueue if handoff else CountingAsyncQueue
        name = "python-asyncio-handoff" if handoff else "python-asyncio"
        Buffer.trace = TraceRecorder(out, name, num_iters, num_prods_cons, capacity, paired, {})
        asyncio.run(pc(num_iters, num_prods_cons, capacity, paired, Buffer))
        Buffer.trace.finish(Buffer.last)
        return
    if "--count" in sys.argv[4:]:
        from mechanism_counts import CountingAsyncQueue, CountingHandoffQueue, Usage
        Buffer = CountingHandoffQueue if handoff else CountingAsyncQueue
        usage = Usage()
        asyncio.run(pc(num_iters, num_prods_cons, capacity, paired, Buffer))
        usage.report(Buffer.last)
        return
    if handoff:
        from handoff_queue import HandoffQueue
        elapsed = asyncio.run(timed(num_iters, num_prods_cons, capacity, paired, HandoffQueue))
    else:
        elapsed = asyncio.run(timed(num_iters, num_prods_cons, capacity, paired))
    print("Elapsed time", round(elapsed, 3), "sec")
    print(f"elapsed_s={elapsed:.6f}")


if __name__ == "__main__":
    main()
