package me.mixpay.gateway.callback;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import me.mixpay.gateway.budget.Priority;

/**
 * MixPay's payment callbacks, received by the gateway (docs/callbacks.md). Unset {@link #publicUrl()}: the
 * gateway neither changes creations nor receives callbacks.
 */
@ConfigMapping(prefix = "gateway.callbacks")
public interface CallbackConfig {

    /**
     * The https address at which MixPay reaches this gateway, through the ingress (for example
     * {@code https://pay.example.com}). Set, every payment creation carries a callback URL of the gateway's
     * under {@code <public-url>/callbacks/mixpay/}, in place of the merchant's.
     */
    Optional<URI> publicUrl();

    /**
     * The key of the HMAC that makes each payment's callback URL unguessable: at least 32 characters, the
     * same on every replica, kept in a Secret. Required with {@link #publicUrl()}; the gateway does not start
     * without it. Changing it refuses the callbacks of payments created before.
     */
    Optional<String> tokenSecret();

    /** The largest callback body read; MixPay's is three ids. */
    @WithDefault("4K")
    MemorySize maxBodySize();

    /**
     * How long a payment's record (its terms, the merchant's callback URL, what was verified) is kept after
     * its creation. A payment may stay payable for 48 h ({@code expiredTimestamp}) and MixPay calls back for
     * about 3 h after it settles; a callback past this is refused and the payment is still polled.
     */
    @WithDefault("72h")
    Duration recordTtl();

    /** Records one replica keeps in memory without Redis (or while it is away); past it the oldest are forgotten. */
    @WithDefault("100000")
    int maxRecords();

    /**
     * How long MixPay's callback post waits for its verification, and the verifying {@code payments_result}
     * attempt's own limit. Past it MixPay is told to try again; the verification goes on (see
     * {@link #verifyBudgetWait()}) and MixPay's next try finds its outcome.
     */
    @WithDefault("5s")
    Duration verifyTimeout();

    /**
     * A payment checked with MixPay this recently (on this replica, or recorded by any) is not checked again
     * for a post: MixPay is told to send it again, and its next try (15 s on) is checked. So a post right
     * after a check (MixPay's {@code settle} after {@code success}, or a token holder repeating itself) is
     * neither told {@code SUCCESS} unchecked nor worth a call. Below MixPay's first retry interval (15 s).
     */
    @WithDefault("10s")
    Duration recheckAfter();

    /**
     * How long a verification waits for MixPay budget ({@link #verifyClass()}). Past it, MixPay's next try
     * starts another.
     */
    @WithDefault("30s")
    Duration verifyBudgetWait();

    /**
     * The budget class a callback's check is served in: {@code verification} (after creations, before every
     * poll: a payment created is worth more than one seen a few seconds sooner) or {@code critical} (with the
     * creations, in their order: faster detection, and creations refused when the window runs short).
     * docs/callbacks.md, "Measured", has both sides in one run.
     */
    @WithDefault("verification")
    VerifyClass verifyClass();

    /** The classes {@link #verifyClass()} may name. */
    enum VerifyClass {
        VERIFICATION(Priority.VERIFICATION), CRITICAL(Priority.CRITICAL);

        private final Priority priority;

        VerifyClass(Priority priority) {
            this.priority = priority;
        }

        Priority priority() {
            return priority;
        }
    }

    /**
     * While a payment's callback is expected, its pending polls are answered from the cache for up to
     * {@code poll.max-interval} instead of the budget-paced interval: the callback makes the answer fresh,
     * and the calls saved go to creations. A payment whose callback never comes is still polled.
     */
    @WithDefault("true")
    boolean pacePolls();

    /**
     * Keys that sign the callbacks relayed to merchants, Standard Webhooks' {@code whsec_<base64>} form,
     * comma-separated: every key signs, so a merchant verifies with either while a key is rotated. Required
     * once {@link #allowedTargets()} allows any target.
     */
    Optional<List<String>> signingSecret();

    /**
     * Where merchants' own callbacks may be relayed: {@code scheme://host[:port]} prefixes, comma-separated.
     * A creation whose {@code callbackUrl} is outside them is refused before it reaches MixPay. Empty (the
     * default): every creation with a {@code callbackUrl} is refused while {@link #publicUrl()} is set.
     * A loopback, link-local or metadata address is reached only when an entry names it literally.
     */
    Optional<List<String>> allowedTargets();

    /**
     * Targets that belong to one merchant, by the name its key has in {@code gateway.auth}
     * ({@code merchant-targets.<merchant>}, prefixes as in {@link #allowedTargets()}). They are allowed to that
     * merchant alone: another merchant's creation naming one is refused, even where an allowed-targets entry
     * also matches it, since every merchant's events are signed with the same key. Empty by default.
     */
    Map<String, List<String>> merchantTargets();

    /** How relayed callbacks are delivered. */
    Delivery delivery();

    interface Delivery {
        /** One try, all of it: resolving the host, connecting, sending, and the merchant's whole answer. */
        @WithDefault("10s")
        Duration timeout();

        /**
         * Tries before an event goes to the dead letters. With the default backoff, 15 tries span about 5.4
         * hours before the random part (up to 8 with it), past MixPay's own 3 hours of retries.
         */
        @WithDefault("15")
        int maxAttempts();

        /** The wait after the first failed try; it doubles after each, with up to half of it added at random. */
        @WithDefault("5s")
        Duration initialBackoff();

        /** The longest wait between two tries. */
        @WithDefault("1h")
        Duration maxBackoff();

        /** How often each replica looks for deliveries that are due. */
        @WithDefault("500ms")
        Duration pollInterval();

        /**
         * How long a replica holds a delivery it took; one that dies holding it leaves it to another replica
         * after this. Longer than {@link #timeout()}, so two replicas never deliver one event at once.
         */
        @WithDefault("60s")
        Duration lease();

        /** Deliveries one replica has in flight at most. */
        @WithDefault("16")
        int concurrency();
    }
}
