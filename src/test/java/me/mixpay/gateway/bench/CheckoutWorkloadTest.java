package me.mixpay.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.simulator.MixPaySimulator;
import me.mixpay.gateway.simulator.PayAfter;
import me.mixpay.gateway.simulator.PaymentStatus;
import me.mixpay.gateway.simulator.SimulatorSettings;

/**
 * The checkout benchmark's merchants against a real simulator, short and fast: what they count must
 * agree with what MixPay saw, or the benchmark's figures mean nothing.
 */
class CheckoutWorkloadTest {

    @TempDir
    Path out;

    private MixPaySimulator simulator;

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.stop();
        }
    }

    @Test
    void merchantsCountWhatMixPaySaw() throws Exception {
        JsonObject run = run(s -> s, "workers=3", "resend-share=0");
        JsonObject merchants = run.getJsonObject("merchants");
        JsonObject mixpay = run.getJsonObject("mixpay");
        long completed = merchants.getJsonObject("checkouts").getLong("completed");
        assertThat(completed).isGreaterThanOrEqualTo(3);
        // Directly, every merchant call is a MixPay call and every creation one MixPay creation.
        long calls = CheckoutTally.CALL_KINDS.stream().mapToLong(k -> calls(run, k).getLong("calls", 0L)).sum();
        assertThat(mixpay.getLong("requests")).isEqualTo(calls);
        assertThat(mixpay.getLong("creations")).isEqualTo(merchants.getJsonObject("creations").getLong("tried"));
        assertThat(mixpay.getLong("repeatedCreations")).isZero();
        // Two asset lists per creation, and at most one checkout per merchant cut short after its lists.
        assertThat(calls(run, "assets").getLong("calls")).isBetween(2 * mixpay.getLong("creations"), 2 * (mixpay.getLong("creations") + 3));
        assertThat(calls(run, "poll").getJsonObject("errors")).isEmpty();
        assertThat(merchants.getJsonObject("pollAgeMs").getLong("count")).isEqualTo(calls(run, "poll").getLong("ok"));
        assertThat(merchants.getJsonObject("pollAgeMs").getLong("max")).isBetween(0L, 1000L);
    }

    @Test
    void mixpayjsMerchantsResendTheSameCreationAfterTheirTimeout() throws Exception {
        JsonObject run = run(s -> s.withCreationDelay(Duration.ofMillis(1200)), "workers=2", "resend-share=1",
                "client-timeout-ms=500");
        JsonObject create = calls(run, "create");
        assertThat(create.getLong("resends")).isPositive();
        assertThat(run.getJsonObject("mixpay").getLong("repeatedCreations")).isPositive();
        // A resent creation that finally got its answer is one successful creation, not several.
        JsonObject creations = run.getJsonObject("merchants").getJsonObject("creations");
        assertThat(creations.getLong("tried")).isEqualTo(create.getLong("calls"));
        assertThat(create.getLong("p50Ms")).isGreaterThanOrEqualTo(1200L);
    }

    @Test
    void maintenanceIsAnsweredAndCountedAsItsOwnPhase() throws Exception {
        JsonObject run = run(s -> s, "workers=2", "resend-share=0", "seconds=4", "maintenance-at=1", "maintenance-for=2");
        long refused = 0;
        for (String kind : CheckoutTally.CALL_KINDS) {
            JsonObject during = calls(run, kind).getJsonObject("byPhase", new JsonObject()).getJsonObject("maintenance");
            if (during != null) {
                // Directly, every call while MixPay is in maintenance is MixPay's maintenance code.
                long answered = calls(run, kind).getJsonObject("errors").getLong("maintenance: 200 code 40011", 0L);
                assertThat(during.getLong("ok")).as(kind).isZero();
                assertThat(answered).as(kind).isEqualTo(during.getLong("calls"));
                refused += answered;
            }
        }
        assertThat(refused).isPositive();
        assertThat(calls(run, "assets").getJsonObject("byPhase").getJsonObject("before").getLong("ok")).isPositive();
        assertThat(run.getJsonObject("merchants").getJsonObject("checkouts").getLong("completed")).isPositive();
        Files.writeString(out.resolve("direct.json"), run.put("target", "direct").encode());
        CheckoutReport.main(new String[] { out.toString(), "6250", "direct" });
        assertThat(Files.readString(out.resolve("summary.md"))).contains("| direct | asset look-ups during 2 s of MixPay maintenance all answered |");
        assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(2);
        assertThat(out.resolve("chart.png")).isNotEmptyFile();
    }

    private JsonObject run(UnaryOperator<SimulatorSettings> settings, String... extra) throws Exception {
        simulator = new MixPaySimulator(settings.apply(SimulatorSettings.defaults().withRateLimit(0, Duration.ofSeconds(60))
                .withPayAfter(PayAfter.parse("50ms-200ms"), PaymentStatus.SUCCESS)));
        String base = "http://127.0.0.1:" + simulator.start(0);
        List<String> args = new ArrayList<>(List.of("target=run", "bases=" + base, "simulator=" + base,
                "out=" + out, "seconds=3", "poll-interval-ms=200"));
        args.addAll(List.of(extra));
        CheckoutWorkload.main(args.toArray(String[]::new));
        return new JsonObject(Files.readString(out.resolve("run.json")));
    }

    private static JsonObject calls(JsonObject run, String kind) {
        return run.getJsonObject("merchants").getJsonObject("calls").getJsonObject(kind, new JsonObject());
    }
}
