"""The assignment's threading version of pc, timed for `prodcons bench`.

Usage: python3 pc_threads.py NUM_ITERS NUM_PRODS_CONS CAPACITY [producers-first|paired] [--count]
       [--switch-interval SECONDS] [--trace FILE]

The algorithm is the assignment's, line for line: numProdsCons producers each put 0..numIters
into a queue.Queue(capacity) (0 means unbounded), as many consumers each take numIters items
and put their sum on a result queue, and the main thread adds up the results. Like the
assignment, it prints the two sums and the elapsed time rounded to milliseconds; then it prints
`elapsed_s=SECONDS`, to the microsecond, which is the line the harness reads.

The default spawn order is the assignment's, every producer then every consumer; `paired`
starts each producer with its consumer, the variant the report measures as an ablation.
`--count` is the harness's counting mode, never timed: the buffer counts the puts and gets that
could not complete at once and its length after every put, and the script prints them with the
process's context switches and peak RSS as one `counts=` JSON line (see mechanism_counts.py).
`--switch-interval SECONDS` is an intervention, not the assignment's program: it sets
sys.setswitchinterval, how long a thread holds the GIL before it is asked to let another run
(CPython's default, used otherwise, is 0.005), before the run and in either mode.
`--trace FILE` runs the counting mode with a recorder and writes a Chrome trace-event JSON
timeline of every wait and wakeup to FILE, in the format of `prodcons run --trace` (see
mechanism_counts.py); it names each thread after its role (`producer-3`) so that the trace can
put its events on its track. Never timed.
"""

import sys
from queue import Queue
from threading import Thread
from time import perf_counter


def producer(n: int, b: Queue):
    for i in range(n):
        b.put(i)


def consumer(n: int, b: Queue, r: Queue):
    s = 0
    for _ in range(n):
        s += b.get()
    r.put(s)


def pc(numIters: int, numProdsCons: int, capacity: int, paired=False, Buffer=Queue):
    # capacity = 0 for unbounded queue
    buf, result = Buffer(capacity), Queue(numProdsCons)
    producers = [Thread(target=producer, args=(numIters, buf)) for _ in range(numProdsCons)]
    consumers = [Thread(target=consumer, args=(numIters, buf, result)) for _ in range(numProdsCons)]
    order = [t for pair in zip(producers, consumers) for t in pair] if paired else producers + consumers
    for thread in order:
        thread.start()
    s = 0
    for _ in range(numProdsCons):
        s += result.get()
    print("The computed total sum is", s)
    print("The expected total sum is", numIters * (numIters - 1) // 2 * numProdsCons)


def main():
    num_iters, num_prods_cons, capacity = (int(arg) for arg in sys.argv[1:4])
    paired = "paired" in sys.argv[4:]
    counting = "--count" in sys.argv[4:]
    if "--switch-interval" in sys.argv[4:]:
        sys.setswitchinterval(float(sys.argv[sys.argv.index("--switch-interval") + 1]))
    if "--trace" in sys.argv[4:]:
        from mechanism_counts import CountingQueue, TraceRecorder, open_trace, role_named_threads
        global Thread
        out = open_trace(sys.argv[sys.argv.index("--trace") + 1])
        Thread = role_named_threads()
        extra = {"switch_interval_s": sys.getswitchinterval()}
        CountingQueue.trace = TraceRecorder(out, "python-threads", num_iters, num_prods_cons,
                                            capacity, paired, extra)
        pc(num_iters, num_prods_cons, capacity, paired, CountingQueue)
        CountingQueue.trace.finish(CountingQueue.last)
        return
    if counting:
        from mechanism_counts import CountingQueue, Usage
        usage = Usage()
        pc(num_iters, num_prods_cons, capacity, paired, CountingQueue)
        usage.report(CountingQueue.last)
        return
    start = perf_counter()
    pc(num_iters, num_prods_cons, capacity, paired)
    end = perf_counter()
    print("Elapsed time", round(end - start, 3), "sec")
    print(f"elapsed_s={end - start:.6f}")


if __name__ == "__main__":
    main()
