"""The assignment's threading version of pc, timed for `prodcons bench`.

Usage: python3 pc_threads.py NUM_ITERS NUM_PRODS_CONS CAPACITY

The algorithm is the assignment's, line for line: numProdsCons producers each put 0..numIters
into a queue.Queue(capacity) (0 means unbounded), as many consumers each take numIters items
and put their sum on a result queue, and the main thread adds up the results. Like the
assignment, it prints the two sums and the elapsed time rounded to milliseconds; then it prints
`elapsed_s=SECONDS`, to the microsecond, which is the line the harness reads.
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


def pc(numIters: int, numProdsCons: int, capacity: int):  # capacity = 0 for unbounded queue
    buf, result = Queue(capacity), Queue(numProdsCons)
    for _ in range(numProdsCons):
        Thread(target=producer, args=(numIters, buf)).start()
    for _ in range(numProdsCons):
        Thread(target=consumer, args=(numIters, buf, result)).start()
    s = 0
    for _ in range(numProdsCons):
        s += result.get()
    print("The computed total sum is", s)
    print("The expected total sum is", numIters * (numIters - 1) // 2 * numProdsCons)


def main():
    num_iters, num_prods_cons, capacity = (int(arg) for arg in sys.argv[1:4])
    start = perf_counter()
    pc(num_iters, num_prods_cons, capacity)
    end = perf_counter()
    print("Elapsed time", round(end - start, 3), "sec")
    print(f"elapsed_s={end - start:.6f}")


if __name__ == "__main__":
    main()
