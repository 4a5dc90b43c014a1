package me.mixpay.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * What every delivery queue must do, whatever holds it: a payment's events one after another in order,
 * each event once, a taken mailbox leased (and due again when its taker dies), dead letters sent again.
 * Each store runs it through a subclass.
 */
abstract class DeliveryQueueContract {

    private static final Duration WAIT = Duration.ofSeconds(5);

    abstract DeliveryQueue queue();

    static RelayEvent event(String id, String ref) {
        return new RelayEvent(id, ref, "https://merchant.example/hook", "{\"orderId\":\"" + ref + "\",\"status\":\"success\"}",
                1_000, 0, 0, null, "00-" + "5af7651916cd43dd8448eb211c80319c" + "-b7ad6b7169203331-01");
    }

    private List<String> take(long now, long leaseUntil) {
        return queue().take(now, leaseUntil, 10).await().atMost(WAIT).stream().map(RelayEvent::id).sorted().toList();
    }

    @Test
    void aPaymentsEventsGoOutOneAfterAnotherInOrderAndEachOnce() {
        long now = 1_000_000;
        String a = "pay-a-" + System.nanoTime();
        String b = "pay-b-" + System.nanoTime();
        RelayEvent a1 = event(a + "-1", a);
        assertThat(queue().add(a1, now, 60_000).await().atMost(WAIT)).isTrue();
        assertThat(queue().add(event(a + "-2", a), now, 60_000).await().atMost(WAIT)).isTrue();
        assertThat(queue().add(event(b + "-1", b), now, 60_000).await().atMost(WAIT)).isTrue();
        assertThat(queue().add(a1, now, 60_000).await().atMost(WAIT)).as("the same event again").isFalse();

        assertThat(take(now, now + 1_000)).containsExactly(a + "-1", b + "-1");
        assertThat(take(now + 10, now + 1_000)).as("leased").isEmpty();

        // a's first event fails a try: due again at now + 100, and a's second still waits behind it.
        queue().retry(a1.failedTry(503, "down"), now + 100).await().atMost(WAIT);
        assertThat(take(now + 50, now + 2_000)).isEmpty();
        List<RelayEvent> again = queue().take(now + 150, now + 2_000, 10).await().atMost(WAIT);
        assertThat(again).extracting(RelayEvent::id).containsExactly(a + "-1");
        assertThat(again.get(0).attempts()).isEqualTo(1);
        assertThat(again.get(0).creationTrace()).as("kept for the try's span link").isEqualTo(a1.creationTrace());

        queue().delivered(again.get(0), now + 160).await().atMost(WAIT);
        assertThat(take(now + 170, now + 2_000)).containsExactly(a + "-2");

        // b's taker died holding it: due again once its lease ends.
        assertThat(take(now + 1_001, now + 3_000)).containsExactly(b + "-1");
    }

    @Test
    void aDeadLetterIsKeptAndSentAgainFromItsFirstTry() {
        long now = 2_000_000;
        String c = "pay-c-" + System.nanoTime();
        RelayEvent first = event(c + "-1", c);
        queue().add(first, now, 60_000).await().atMost(WAIT);
        queue().add(event(c + "-2", c), now, 60_000).await().atMost(WAIT);
        assertThat(take(now, now + 1_000)).contains(c + "-1");
        queue().bury(first.failedTry(500, "refused").failedTry(500, "refused"), now + 10).await().atMost(WAIT);

        // A dead letter no longer holds the payment's mailbox up.
        assertThat(take(now + 20, now + 1_000)).contains(c + "-2");
        List<RelayEvent> dead = queue().dead(1_000).await().atMost(WAIT);
        assertThat(dead).filteredOn(e -> e.id().equals(c + "-1")).singleElement()
                .satisfies(e -> assertThat(e.attempts()).isEqualTo(2)).satisfies(e -> assertThat(e.lastStatus()).isEqualTo(500));

        assertThat(queue().redeliver(c + "-1", now + 30).await().atMost(WAIT)).isEqualTo(1);
        assertThat(queue().redeliver(c + "-1", now + 30).await().atMost(WAIT)).as("no longer dead").isZero();
        assertThat(queue().dead(1_000).await().atMost(WAIT)).noneMatch(e -> e.id().equals(c + "-1"));
        assertThat(queue().waiting(1_000).await().atMost(WAIT)).filteredOn(d -> d.event().id().equals(c + "-1")).singleElement()
                .satisfies(d -> assertThat(d.event().attempts()).isZero());
    }

    @Test
    void aTryThatOutlivedItsLeaseChangesNothingOnceAnotherTrySettledTheEvent() {
        long now = 3_000_000;
        String d = "pay-d-" + System.nanoTime();
        RelayEvent first = event(d + "-1", d);
        queue().add(first, now, 60_000).await().atMost(WAIT);
        queue().add(event(d + "-2", d), now, 60_000).await().atMost(WAIT);
        assertThat(take(now, now + 1_000)).contains(d + "-1");
        // The lease ends with the first try still running; a second try takes the event and delivers it.
        List<RelayEvent> retaken = queue().take(now + 1_001, now + 2_000, 10).await().atMost(WAIT);
        assertThat(retaken).extracting(RelayEvent::id).contains(d + "-1");
        queue().delivered(first, now + 1_010).await().atMost(WAIT);

        // The first try ends late, failed for good: the event was delivered, so it is no dead letter, and
        // the next event's turn is not moved.
        queue().bury(first.failedTry(0, "timed out"), now + 1_020).await().atMost(WAIT);
        queue().retry(first.failedTry(0, "timed out"), now + 900_000).await().atMost(WAIT);
        assertThat(queue().dead(1_000).await().atMost(WAIT)).noneMatch(e -> e.id().equals(d + "-1"));
        assertThat(take(now + 1_030, now + 3_000)).contains(d + "-2");
    }
}
