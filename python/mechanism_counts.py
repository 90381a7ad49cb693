"""Counting mode for the assignment's two programs, run by `prodcons bench` in a pass of its own.

The counts explain the times, so they are never taken in a timed run. A *wait* is a put that
found the buffer full or a get that found it empty, counted once per put or get, exactly as the
Rust harness counts them, so the numbers compare. A *futile wakeup* is a waiter that was woken,
found its condition false again, and waited again. The buffer's length is sampled inside
`_put`, under the queue's own lock, after every put.

To see futile wakeups the counting queues run copies of CPython 3.11's own blocking loops, with
counters added and nothing else changed (same locks, same notify calls, same `_wakeup_next` and
cancellation handling): `Queue.put` and `Queue.get` of `Lib/queue.py` (block=True,
timeout=None) and `Queue.put` and `Queue.get` of `Lib/asyncio/queues.py`. They must follow the
interpreter the harness runs: on another CPython, compare them with that version's files.
"""

import asyncio
import json
import queue
import resource
import sys

from handoff_queue import HandoffQueue

if sys.version_info[:2] != (3, 11):
    # Not fatal: the counts still come, but from loops that may differ from this interpreter's.
    print("mechanism_counts.py: the queue loops are copied from CPython 3.11, not "
          f"{sys.version_info.major}.{sys.version_info.minor}", file=sys.stderr)


class _Counts:
    def _start_counting(self):
        self.put_waits = 0
        self.get_waits = 0
        self.futile_wakeups = 0
        self.peak_len = 0
        type(self).last = self

    def _put(self, item):
        super()._put(item)
        # Called with the queue's lock held (threads: so `_qsize`, which does not take it) or
        # on the loop (asyncio, whose `qsize` takes no lock): exact either way.
        length = self._qsize() if isinstance(self, queue.Queue) else self.qsize()
        self.peak_len = max(self.peak_len, length)

    def counts(self):
        return {
            "put_waits": self.put_waits,
            "get_waits": self.get_waits,
            "futile_wakeups": self.futile_wakeups,
            "peak_len": self.peak_len,
        }


class CountingQueue(_Counts, queue.Queue):
    """queue.Queue that counts the puts and gets that could not complete at once, and the
    wakeups after which they had to wait again."""

    last = None

    def __init__(self, maxsize=0):
        super().__init__(maxsize)
        self._start_counting()

    # The counters change only under `self.mutex`, which `not_full` and `not_empty` share, so
    # they need no lock of their own.

    def put(self, item, block=True, timeout=None):
        if not block or timeout is not None:
            return super().put(item, block, timeout)  # Never called by the assignment's program.
        # CPython 3.11 Lib/queue.py, Queue.put, block=True and timeout=None, plus counters.
        with self.not_full:
            if self.maxsize > 0:
                if self._qsize() >= self.maxsize:
                    self.put_waits += 1
                while self._qsize() >= self.maxsize:
                    self.not_full.wait()
                    if self._qsize() >= self.maxsize:
                        self.futile_wakeups += 1
            self._put(item)
            self.unfinished_tasks += 1
            self.not_empty.notify()

    def get(self, block=True, timeout=None):
        if not block or timeout is not None:
            return super().get(block, timeout)  # Never called by the assignment's program.
        # CPython 3.11 Lib/queue.py, Queue.get, block=True and timeout=None, plus counters.
        with self.not_empty:
            if not self._qsize():
                self.get_waits += 1
            while not self._qsize():
                self.not_empty.wait()
                if not self._qsize():
                    self.futile_wakeups += 1
            item = self._get()
            self.not_full.notify()
            return item


class CountingAsyncQueue(_Counts, asyncio.Queue):
    """asyncio.Queue that counts the puts and gets that could not complete at once, and the
    wakeups after which they had to wait again."""

    last = None

    def __init__(self, maxsize=0):
        super().__init__(maxsize)
        self._start_counting()

    async def put(self, item):
        # CPython 3.11 Lib/asyncio/queues.py, Queue.put, plus counters.
        if self.full():
            self.put_waits += 1
        while self.full():
            putter = self._get_loop().create_future()
            self._putters.append(putter)
            try:
                await putter
            except:  # noqa: E722 -- CPython's own bare except, kept as it is.
                putter.cancel()  # Just in case putter is not done yet.
                try:
                    # Clean self._putters from canceled putters.
                    self._putters.remove(putter)
                except ValueError:
                    # The putter could be removed from self._putters by a
                    # previous get_nowait call.
                    pass
                if not self.full() and not putter.cancelled():
                    # We were woken up by get_nowait(), but can't take
                    # the call.  Wake up the next in line.
                    self._wakeup_next(self._putters)
                raise
            if self.full():
                self.futile_wakeups += 1
        return self.put_nowait(item)

    async def get(self):
        # CPython 3.11 Lib/asyncio/queues.py, Queue.get, plus counters.
        if self.empty():
            self.get_waits += 1
        while self.empty():
            getter = self._get_loop().create_future()
            self._getters.append(getter)
            try:
                await getter
            except:  # noqa: E722 -- CPython's own bare except, kept as it is.
                getter.cancel()  # Just in case getter is not done yet.
                try:
                    # Clean self._getters from canceled getters.
                    self._getters.remove(getter)
                except ValueError:
                    # The getter could be removed from self._getters by a
                    # previous put_nowait call.
                    pass
                if not self.empty() and not getter.cancelled():
                    # We were woken up by put_nowait(), but can't take
                    # the call.  Wake up the next in line.
                    self._wakeup_next(self._getters)
                raise
            if self.empty():
                self.futile_wakeups += 1
        return self.get_nowait()


class CountingHandoffQueue(_Counts, HandoffQueue):
    """The hand-off queue, counting waits as the others do. A waiter here is handed its item or
    its slot before it is woken, so it never waits twice: its futile wakeups stay 0, and are
    reported so that the comparison with CountingAsyncQueue reads off the same field."""

    last = None

    def __init__(self, maxsize=0):
        super().__init__(maxsize)
        self._start_counting()

    async def put(self, item):
        if self.full():
            self.put_waits += 1
        await super().put(item)

    async def get(self):
        if self.empty():
            self.get_waits += 1
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
