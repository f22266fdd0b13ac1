"""shared/turns.py: a long loop hands the green process to its other green threads every few items, and
yields every item once, in order."""

from __future__ import annotations

import threading
import time

from shared.turns import in_turns


def test_a_loop_in_turns_gives_another_green_thread_a_turn_every_few_items_and_keeps_every_item():
    ran, done = [], threading.Event()

    def other() -> None:
        while not done.is_set():
            ran.append(len(seen))  # how far the loop had come when the other thread ran
            time.sleep(0)

    seen: list[int] = []
    thread = threading.Thread(target=other)
    thread.start()
    time.sleep(0)
    ran.clear()
    try:
        for item in in_turns(range(10), every=3):
            seen.append(item)  # no wait of its own: only in_turns lets the other thread run
    finally:
        done.set()
        thread.join()

    assert seen == list(range(10))
    assert sorted(set(ran)) == [3, 6, 9]  # before the 4th, 7th and 10th item
