"""Counting mode for the assignment's two programs, run by `prodcons bench` in a pass of its own.

The counts explain the times, so they are never taken in a timed run. A *wait* is a put that
found the buffer full or a get that found it empty: each counted put and get first tries
without waiting, exactly as the Rust harness counts them, so the numbers compare. The buffer's
length is sampled inside `_put`, under the queue's own lock, after every put.
"""

import asyncio
import json
import queue
import resource
import threading


class _Counts:
    def _start_counting(self):
        self.put_waits = 0
        self.get_waits = 0
        self.peak_len = 0
        self._counts_lock = threading.Lock()
        type(self).last = self

    def _waited(self, kind):
        with self._counts_lock:
            setattr(self, kind, getattr(self, kind) + 1)

    def _put(self, item):
        super()._put(item)
        # Called with the queue's lock held (threads: so `_qsize`, which does not take it) or
        # on the loop (asyncio, whose `qsize` takes no lock): exact either way.
        length = self._qsize() if isinstance(self, queue.Queue) else self.qsize()
        self.peak_len = max(self.peak_len, length)

    def counts(self):
        return {"put_waits": self.put_waits, "get_waits": self.get_waits, "peak_len": self.peak_len}


class CountingQueue(_Counts, queue.Queue):
    """queue.Queue that counts the puts and gets that could not complete at once."""

    last = None

    def __init__(self, maxsize=0):
        super().__init__(maxsize)
        self._start_counting()

    def put(self, item, block=True, timeout=None):
        try:
            super().put(item, block=False)
        except queue.Full:
            self._waited("put_waits")
            super().put(item, block, timeout)

    def get(self, block=True, timeout=None):
        try:
            return super().get(block=False)
        except queue.Empty:
            self._waited("get_waits")
            return super().get(block, timeout)


class CountingAsyncQueue(_Counts, asyncio.Queue):
    """asyncio.Queue that counts the puts and gets that could not complete at once."""

    last = None

    def __init__(self, maxsize=0):
        super().__init__(maxsize)
        self._start_counting()

    async def put(self, item):
        try:
            self.put_nowait(item)
        except asyncio.QueueFull:
            self._waited("put_waits")
            await super().put(item)

    async def get(self):
        try:
            return self.get_nowait()
        except asyncio.QueueEmpty:
            self._waited("get_waits")
            return await super().get()


def peak_rss_bytes(usage):
    """This interpreter's own peak resident memory: VmHWM where Linux gives it, since ru_maxrss
    is carried across exec and so starts at what the parent held when it forked."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return usage.ru_maxrss * 1024  # Linux reports ru_maxrss in KiB.


class Usage:
    """The process's context switches, from getrusage, and resident memory, around one run."""

    def __init__(self):
        self.before = resource.getrusage(resource.RUSAGE_SELF)
        self.rss_before = peak_rss_bytes(self.before)

    def report(self, buffer):
        after = resource.getrusage(resource.RUSAGE_SELF)
        counts = buffer.counts()
        counts.update(
            voluntary_switches=after.ru_nvcsw - self.before.ru_nvcsw,
            involuntary_switches=after.ru_nivcsw - self.before.ru_nivcsw,
            rss_before_bytes=self.rss_before,
            peak_rss_bytes=peak_rss_bytes(after),
        )
        print("counts=" + json.dumps(counts, sort_keys=True))
