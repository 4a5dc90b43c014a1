package me.mixpay.gateway.relay;

import java.time.Duration;

/** The delivery queue of one replica without Redis. */
class MemoryDeliveryQueueTest extends DeliveryQueueContract {

    private final DeliveryQueue queue = new MemoryDeliveryQueue(Duration.ofHours(1), 1_000);

    @Override
    DeliveryQueue queue() {
        return queue;
    }
}
