"""The batch acknowledgement's rule (services/timeline/consumer.py, `PrefetchingQueueConsumer.ack_batch`): one
multiple-ack for a committed batch only when it covers nothing else of the channel; a delivery still
unsettled before the batch (its single-event path could not republish it) makes the batch's messages be
acknowledged one by one. No I/O: the channel records the acks it was asked to send; the broker-side guarantee is
tested in tests/integration/timeline/test_batch_acknowledgements.py."""

from __future__ import annotations

from types import SimpleNamespace

from services.timeline.consumer import PrefetchingQueueConsumer


class Channel:
    connection = True

    def __init__(self) -> None:
        self.acks: list[tuple[int, bool]] = []

    def basic_ack(self, tag: int, multiple: bool = False) -> None:
        self.acks.append((tag, multiple))


class Message(SimpleNamespace):
    def ack(self) -> None:
        self.channel.basic_ack(self.delivery_tag)


def consumer_with(channel: Channel, count: int) -> tuple[PrefetchingQueueConsumer, list[Message]]:
    consumer = PrefetchingQueueConsumer()
    provider = SimpleNamespace(deliver=lambda message: None)
    messages = [Message(channel=channel, delivery_tag=tag) for tag in range(1, count + 1)]
    for message in messages:
        consumer.handle_message(provider, message)
    return consumer, messages


def test_a_batch_with_nothing_unsettled_before_it_is_acknowledged_with_one_multiple_ack():
    channel = Channel()
    consumer, messages = consumer_with(channel, 5)
    consumer.ack_batch(messages[:3])
    consumer.ack_batch(messages[3:])
    assert channel.acks == [(3, True), (5, True)]


def test_an_earlier_unsettled_delivery_is_never_covered_by_a_later_batch():
    channel = Channel()
    consumer, messages = consumer_with(channel, 6)
    consumer.ack_batch(messages[1:4])  # tag 1 is still unsettled: no multiple-ack may cover it
    assert channel.acks == [(2, False), (3, False), (4, False)]
    consumer.ack_message(messages[0])  # settled at last (acknowledged alone)
    consumer.ack_batch(messages[4:])
    assert channel.acks[3:] == [(1, False), (6, True)]
