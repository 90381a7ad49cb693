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

Tracing mode (`--trace FILE`) runs the same counting queues with a `TraceRecorder` attached:
each put or get that had to wait becomes a span from its call to its return, and each wakeup
inside those loops an instant, marked futile where the counter above counts a futile wakeup,
so the trace and the counts agree by construction. The file is Chrome trace-event JSON with the
same event names, track ids and fields as `prodcons run --trace` (crates/bench/src/trace.rs), so
the two open side by side in Perfetto. A recorder in these loops was chosen over viztracer: it
records exactly the waits and wakeups the counters count, in the interpreter's own queue
loops, at two clock reads per wait and one per wakeup, where viztracer would trace every Python
call of the run (and is not installed here).
"""

import asyncio
import json
import queue
import resource
import sys
import threading
from time import perf_counter_ns

from handoff_queue import HandoffQueue

if sys.version_info[:2] != (3, 11):
    # Not fatal: the counts still come, but from loops that may differ from this interpreter's.
    print("mechanism_counts.py: the queue loops are copied from CPython 3.11, not "
          f"{sys.version_info.major}.{sys.version_info.minor}", file=sys.stderr)


class _Counts:
    # The recorder of a tracing run, or None: set on the class by the script's --trace mode.
    trace = None

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
        # CPython 3.11 Lib/queue.py, Queue.put, block=True and timeout=None, plus counters
        # and, when tracing, the times of the call, of each wakeup and of the return.
        trace = self.trace
        called = perf_counter_ns() if trace else 0
        waited, wakeups = False, []
        with self.not_full:
            if self.maxsize > 0:
                if self._qsize() >= self.maxsize:
                    self.put_waits += 1
                    waited = True
                while self._qsize() >= self.maxsize:
                    self.not_full.wait()
                    futile = self._qsize() >= self.maxsize
                    if futile:
                        self.futile_wakeups += 1
                    if trace:
                        wakeups.append((perf_counter_ns(), futile))
            self._put(item)
            self.unfinished_tasks += 1
            self.not_empty.notify()
        if waited and trace:
            trace.wait("producer", called, perf_counter_ns(), wakeups)

    def get(self, block=True, timeout=None):
        if not block or timeout is not None:
            return super().get(block, timeout)  # Never called by the assignment's program.
        # CPython 3.11 Lib/queue.py, Queue.get, block=True and timeout=None, plus counters
        # and, when tracing, times as in put.
        trace = self.trace
        called = perf_counter_ns() if trace else 0
        waited, wakeups = False, []
        with self.not_empty:
            if not self._qsize():
                self.get_waits += 1
                waited = True
            while not self._qsize():
                self.not_empty.wait()
                futile = not self._qsize()
                if futile:
                    self.futile_wakeups += 1
                if trace:
                    wakeups.append((perf_counter_ns(), futile))
            item = self._get()
            self.not_full.notify()
        if waited and trace:
            trace.wait("consumer", called, perf_counter_ns(), wakeups)
        return item


class CountingAsyncQueue(_Counts, asyncio.Queue):
    """asyncio.Queue that counts the puts and gets that could not complete at once, and the
    wakeups after which they had to wait again."""

    last = None

    def __init__(self, maxsize=0):
        super().__init__(maxsize)
        self._start_counting()

    async def put(self, item):
        # CPython 3.11 Lib/asyncio/queues.py, Queue.put, plus counters and, when tracing,
        # the times of the call, of each wakeup (the task resumed) and of the return.
        trace = self.trace
        called = perf_counter_ns() if trace else 0
        waited, wakeups = self.full(), []
        if waited:
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
            futile = self.full()
            if futile:
                self.futile_wakeups += 1
            if trace:
                wakeups.append((perf_counter_ns(), futile))
        result = self.put_nowait(item)
        if waited and trace:
            trace.wait("producer", called, perf_counter_ns(), wakeups)
        return result

    async def get(self):
        # CPython 3.11 Lib/asyncio/queues.py, Queue.get, plus counters and, when tracing,
        # times as in put.
        trace = self.trace
        called = perf_counter_ns() if trace else 0
        waited, wakeups = self.empty(), []
        if waited:
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
            futile = self.empty()
            if futile:
                self.futile_wakeups += 1
            if trace:
                wakeups.append((perf_counter_ns(), futile))
        item = self.get_nowait()
        if waited and trace:
            trace.wait("consumer", called, perf_counter_ns(), wakeups)
        return item


class CountingHandoffQueue(_Counts, HandoffQueue):
    """The hand-off queue, counting waits as the others do. A waiter here is handed its item or
    its slot before it is woken, so it never waits twice: its futile wakeups stay 0, and are
    reported so that the comparison with CountingAsyncQueue reads off the same field."""

    last = None

    def __init__(self, maxsize=0):
        super().__init__(maxsize)
        self._start_counting()

    # A waiter here wakes once, already done: its one wakeup, when it resumes, is never futile.

    async def put(self, item):
        trace = self.trace
        called = perf_counter_ns() if trace else 0
        waited = self.full()
        if waited:
            self.put_waits += 1
        await super().put(item)
        if waited and trace:
            now = perf_counter_ns()
            trace.wait("producer", called, now, [(now, False)])

    async def get(self):
        trace = self.trace
        called = perf_counter_ns() if trace else 0
        waited = self.empty()
        if waited:
            self.get_waits += 1
        item = await super().get()
        if waited and trace:
            now = perf_counter_ns()
            trace.wait("consumer", called, now, [(now, False)])
        return item


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


def role_named_threads():
    """A threading.Thread whose name is its target's and its rank among that target's threads,
    `producer-3`, so that a trace can tell whose track an event belongs on. Only the name
    changes; the tracing mode puts it in place of the program's Thread."""
    made = {}

    class RoleNamedThread(threading.Thread):
        def __init__(self, *args, target=None, **kwargs):
            role = getattr(target, "__name__", "thread")
            index = made.get(role, 0)
            made[role] = index + 1
            super().__init__(*args, target=target, name=f"{role}-{index}", **kwargs)

    return RoleNamedThread


def role_named_create_task():
    """asyncio.create_task that names each task after its coroutine and its rank among them,
    as role_named_threads does for threads."""
    made = {}

    def create_task(coro):
        role = getattr(coro, "__name__", "task")
        index = made.get(role, 0)
        made[role] = index + 1
        return asyncio.create_task(coro, name=f"{role}-{index}")

    return create_task


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


class TraceRecorder:
    """The waits and wakeups of one run, written as Chrome trace-event JSON in the format of
    `prodcons run --trace` (crates/bench/src/trace.rs): one track per worker, a `put` or `get`
    span per wait, a `wakeup` or `futile wakeup` instant per wakeup, times in microseconds."""

    def __init__(self, out, implementation, num_iters, num_prods_cons, capacity, paired, extra):
        self.out = out
        self.implementation = implementation
        self.cell = (num_iters, num_prods_cons, capacity)
        self.paired = paired
        self.extra = extra
        self.waits = []
        self.start = perf_counter_ns()
        self.end = self.start

    @staticmethod
    def _worker():
        """The running worker's role and index, from the name role_named_* gave it."""
        try:
            task = asyncio.current_task()
        except RuntimeError:
            task = None
        name = task.get_name() if task is not None else threading.current_thread().name
        role, _, index = name.rpartition("-")
        return role, int(index)

    def wait(self, role, called, returned, wakeups):
        # A list append is atomic under the GIL, and on an event loop nothing runs meanwhile.
        self.waits.append((self._worker()[1], role, called, returned, wakeups))

    def finish(self, buffer):
        self.end = perf_counter_ns()
        n = self.cell[1]
        us = lambda ns: (ns - self.start) / 1000  # noqa: E731
        tid = lambda role, index: 2 + index + (n if role == "consumer" else 0)  # noqa: E731
        events = [
            self._meta("process_name", 1, {"name": f"{self.implementation} pc{self.cell}"}),
            self._meta("thread_name", 1, {"name": "main"}),
            self._meta("thread_sort_index", 1, {"sort_index": 0}),
        ]
        if self.paired:
            order = [(role, i) for i in range(n) for role in ("producer", "consumer")]
        else:
            order = [(role, i) for role in ("producer", "consumer") for i in range(n)]
        for position, (role, index) in enumerate(order):
            events.append(self._meta("thread_name", tid(role, index), {"name": f"{role} {index}"}))
            events.append(self._meta("thread_sort_index", tid(role, index), {"sort_index": position + 1}))
        events.append({"name": "pc", "cat": "run", "ph": "X", "ts": 0.0, "dur": us(self.end),
                       "pid": 1, "tid": 1})
        for index, role, called, returned, wakeups in self.waits:
            track = tid(role, index)
            events.append({
                "name": "put" if role == "producer" else "get", "cat": "wait", "ph": "X",
                "ts": us(called), "dur": (returned - called) / 1000, "pid": 1, "tid": track,
                "args": {"wakeups": len(wakeups), "futile_wakeups": sum(f for _, f in wakeups)},
            })
            for at, futile in wakeups:
                events.append({
                    "name": "futile wakeup" if futile else "wakeup", "cat": "wakeup", "ph": "i",
                    "s": "t", "ts": us(at), "pid": 1, "tid": track, "args": {"futile": futile},
                })
        counts = buffer.counts()
        other = {
            "recorder": "python/mechanism_counts.py TraceRecorder: the counting queues' loops "
                        "with a clock",
            "implementation": self.implementation,
            "numIters": self.cell[0],
            "numProdsCons": n,
            "capacity": self.cell[2],
            "spawn_order": "paired" if self.paired else "producers-first",
            "cpu": _cpu_model(),
            "clock": "microseconds since the run began",
            "wakeups": "recorded: each return from the condition variable (threads), each "
                       "resumption of the waiting task (asyncio)",
            "counts": counts,
            "python": sys.version.split()[0],
            "waits_dropped": 0,
        }
        other.update(self.extra)
        with self.out:
            self.out.write('{"traceEvents":[')
            for position, event in enumerate(events):
                self.out.write(",\n" if position else "\n")
                self.out.write(json.dumps(event, separators=(",", ":")))
            self.out.write('\n],"displayTimeUnit":"ms","otherData":')
            self.out.write(json.dumps(other, separators=(",", ":")))
            self.out.write("}\n")

    @staticmethod
    def _meta(name, tid, args):
        return {"name": name, "ph": "M", "ts": 0.0, "pid": 1, "tid": tid, "args": args}


def open_trace(path):
    """Opens the trace file before the run, so that a path that cannot be written is refused
    before anything runs; exits with status 2 and a message if it cannot."""
    try:
        return open(path, "w")
    except OSError as error:
        print(f"error: cannot write the trace file {path}: {error.strerror}", file=sys.stderr)
        sys.exit(2)
