"""A hand-off variant of asyncio.Queue, for `pc_asyncio.py --handoff`.

asyncio.Queue wakes a waiter and lets it try again: a woken getter may find the item already
taken by a task that ran first, and wait again (a futile wakeup). Here the waker does the
waiter's work before waking it: a put that finds a getter waiting hands it the item, and a get
that frees a slot while a putter waits moves that putter's item into the slot. A woken waiter
then has nothing left to do but return, so it never waits twice.

FIFO holds: getters wait only while the queue is empty, and an item goes straight to a getter
only then; putters' items enter the queue in the order the putters arrived, and a new put queues
behind them because the queue stays full while any putter waits.
"""

import asyncio


class HandoffQueue(asyncio.Queue):
    """asyncio.Queue whose waiters are handed their item or their slot before they wake.

    `_getters` holds futures, resolved with the item; `_putters` holds (future, item) pairs,
    resolved once the item is in the queue. Cancelled futures are left in the deques and
    skipped when their turn comes.
    """

    def put_nowait(self, item):
        if self.full():
            raise asyncio.QueueFull
        self._unfinished_tasks += 1
        self._finished.clear()
        # Only when the queue is empty may an item pass the queue, or it would overtake.
        if self.empty():
            while self._getters:
                getter = self._getters.popleft()
                if not getter.done():
                    getter.set_result(item)
                    return
        self._put(item)

    def get_nowait(self):
        if self.empty():
            raise asyncio.QueueEmpty
        item = self._get()
        # The freed slot goes to the first putter still waiting, with its item.
        while self._putters:
            putter, waiting_item = self._putters.popleft()
            if not putter.done():
                self._put(waiting_item)
                self._unfinished_tasks += 1
                self._finished.clear()
                putter.set_result(None)
                break
        return item

    async def put(self, item):
        if not self.full():
            return self.put_nowait(item)
        putter = self._get_loop().create_future()
        self._putters.append((putter, item))
        try:
            await putter
        except BaseException:
            # A no-op if the item was already moved in: then the put has happened, and the
            # cancellation is still raised, as for any task cancelled after its work was done.
            putter.cancel()
            raise

    async def get(self):
        if not self.empty():
            return self.get_nowait()
        getter = self._get_loop().create_future()
        self._getters.append(getter)
        try:
            return await getter
        except BaseException:
            if getter.done() and not getter.cancelled():
                # Handed an item, then cancelled before returning it: the item was the oldest,
                # so it goes to the next getter or back to the front. This may leave one item
                # over maxsize until the next get, rather than lose it.
                self._give_back(getter.result())
            getter.cancel()
            raise

    def _give_back(self, item):
        while self._getters:
            getter = self._getters.popleft()
            if not getter.done():
                getter.set_result(item)
                return
        self._queue.appendleft(item)
