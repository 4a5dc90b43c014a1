package me.mixpay.gateway.simulator;

import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * A stand-in for the MixPay API on its own loopback port, so the gateway runs and can be tested offline.
 * It follows MixPay's pages ({@code shared/mixpay/api}; {@code SimulatorContractTest} holds it to their
 * example replies): every documented endpoint with its fields, the pages' parameter rules answered with
 * catalog codes, payments that live from {@code unpaid} to {@code success} or {@code failed}, and MixPay's
 * rate limit of 60 requests per 60 s per caller address, reported in {@code x-ratelimit-limit} and
 * {@code x-ratelimit-remaining} and answered with 1429 (HTTP 429) past it.
 * <p>
 * Plain Java: {@code new MixPaySimulator(SimulatorSettings.defaults()).start(0)} returns the bound port,
 * {@code stop()} ends it, and {@link #main} runs one as its own process (settings from
 * {@code -Dgateway.simulator.*}). Beside the gateway, {@link SimulatorStartup} wraps it when
 * {@code gateway.simulator.enabled} is true (dev mode; never in production). It depends on nothing of the
 * gateway but the error catalog, and nothing of the gateway depends on it ({@code SimulatorBoundaryTest}).
 * <p>
 * <b>Per-request controls</b> (headers, they pass through the gateway like any merchant header):
 * {@code X-Simulate-Code} (answer with that catalog code), {@code X-Simulate-Status} (HTTP status),
 * {@code X-Simulate-Delay-Ms}, {@code X-Simulate-Fault} (reset, garbage, truncate, empty, hang, and
 * reset-after-creation: the creation is made, then the connection closed without a reply),
 * {@code X-Simulate-Retry-After}, {@code X-Simulate-Creation-Delay-Ms} (a creation's reply waits this long after the
 * payment exists, as {@code creation-delay} for one request). By configuration: {@code code}, {@code delay}, {@code fault},
 * {@code fault-ratio}, {@code creation-delay} (creations only), {@code pay-after} and
 * {@code pay-after-status}, {@code rate-limit.limit} (0 = off) and {@code rate-limit.window}.
 * <p>
 * <b>Control endpoints</b> on the simulator's port, outside {@code /v1} so no gateway forwards them:
 * <ul>
 * <li>{@code POST /_simulator/payments/{traceId}/pay}, {@code .../fail[?failureCode=40000]}: settle an
 * unpaid payment (200 with the payment; 409 if it was settled the other way; 404 if unknown). A one-time
 * payment's {@code code} is its traceId.</li>
 * <li>{@code GET /_simulator/payments/{traceId}}: where a payment stands.</li>
 * <li>{@code GET /_simulator/requests[?since=epochMs]}: what MixPay saw: {@code counts} ({@code requests},
 * {@code rateLimited}, {@code creations}, {@code repeatedCreations} (a creation for a
 * {@code (payeeId, orderId)} already created), {@code byEndpoint}) and {@code requests}, each with
 * {@code timeMs}, {@code method}, {@code path}, {@code endpoint}, {@code caller}, {@code code} (null while
 * unanswered) and, for creations, {@code orderId}, {@code payeeId}, {@code traceId}, {@code repeat}.</li>
 * <li>{@code POST /_simulator/maintenance?for=60s[&code=40011]}: MixPay in maintenance for that long (any
 * Quarkus duration): every API request past the rate limit is answered with the code (10008, 10009 or
 * 40011; 40011 "The system is temporarily out of service." unless told); {@code DELETE} ends it early,
 * {@code GET} tells what is left.</li>
 * <li>{@code GET /_simulator/callbacks}: every callback try ({@link SimulatedCallbacks}): {@code traceId},
 * {@code orderId}, {@code event}, {@code attempt}, {@code status} (0: no reply) and {@code delivered}.</li>
 * <li>{@code POST /_simulator/reset}: forgets payments, requests, callbacks, rate-limit windows and maintenance.</li>
 * </ul>
 */
public final class MixPaySimulator {

    private static final Logger LOG = Logger.getLogger(MixPaySimulator.class);

    private final SimulatorSettings settings;
    private final SimulatedPayments payments;
    private final SimulatedRateLimit rateLimit;
    private final RequestJournal journal;
    private final SimulatedMaintenance maintenance = new SimulatedMaintenance();
    private Vertx vertx;
    private HttpServer server;
    private volatile SimulatedCallbacks callbacks;

    public MixPaySimulator(SimulatorSettings settings) {
        this.settings = settings;
        this.payments = new SimulatedPayments(settings.maxPayments());
        this.rateLimit = new SimulatedRateLimit(settings.rateLimit(), settings.rateLimitWindow());
        this.journal = new RequestJournal(settings.journalSize());
    }

    /** Listens on 127.0.0.1:{@code port} (0 picks a free one) and returns the port bound. */
    public synchronized int start(int port) {
        if (server != null) {
            throw new IllegalStateException("the simulator is running on port " + server.actualPort());
        }
        // Its own Vert.x: the simulator stands for another service, so it must not share the gateway's
        // event loops, nor show up in the gateway's HTTP server metrics.
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        // Bodies are read for POST only: MixPay reads a GET's query string, and Vert.x refuses to decode a
        // form sent with a GET (a 500 where MixPay answers 1017).
        router.post().handler(BodyHandler.create(false).setBodyLimit(1024 * 1024));
        callbacks = new SimulatedCallbacks(vertx, settings);
        new SimulatorControls(payments, journal, maintenance, callbacks, this::reset).mount(router);
        SimulatedEndpoints endpoints = new SimulatedEndpoints(payments, this::settleLater);
        router.route().handler(new MixPayApi(settings, endpoints, rateLimit, journal, maintenance)::handle);
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)).requestHandler(router);
        server.listen().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        LOG.infof("MixPay simulator listening on http://127.0.0.1:%d (rate limit %s)", server.actualPort(),
                rateLimit.enabled() ? settings.rateLimit() + " per " + settings.rateLimitWindow() : "off");
        return server.actualPort();
    }

    public synchronized void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
            vertx = null;
            server = null;
        }
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("the simulator is not running");
        }
        return server.actualPort();
    }

    /** MixPay's base URL as the gateway's {@code gateway.upstream.base-url} takes it. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public SimulatedPayments payments() {
        return payments;
    }

    /** Forgets payments, the journal, rate-limit windows and maintenance (what {@code POST /_simulator/reset} does). */
    public void reset() {
        maintenance.end();
        if (callbacks != null) {
            callbacks.clear();
        }
        payments.clear();
        journal.clear();
        rateLimit.clear();
    }

    private void settleLater(SimulatedPayment payment) {
        settings.payAfter().ifPresent(after -> vertx.setTimer(Math.max(1, after.draw().toMillis()),
                fired -> {
                    if (payment.settle(settings.payAfterStatus(), "40000", System.currentTimeMillis())) {
                        callbacks.settled(payment);
                    }
                }));
    }

    /**
     * Runs a simulator as its own process, with {@code -Dgateway.simulator.*} (or {@code GATEWAY_SIMULATOR_*})
     * as beside the gateway; stops on SIGTERM. Packaged: {@code java -jar target/mixpay-gateway-*-simulator.jar
     * [port]} ({@link SimulatorLauncher}). The test class path works as it is.
     */
    public static void main(String[] args) {
        SimulatorConfig simulator = standaloneConfiguration();
        MixPaySimulator running = new MixPaySimulator(SimulatorSettings.from(simulator));
        running.start(args.length > 0 ? Integer.parseInt(args[0]) : simulator.port());
        Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "simulator-stop"));
    }

    /** The mapping Quarkus reads, read outside Quarkus, so keys, defaults and checks stay the same. */
    static SimulatorConfig standaloneConfiguration() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultSources().addDiscoveredConverters()
                .withMapping(SimulatorConfig.class).build();
        return config.getConfigMapping(SimulatorConfig.class);
    }
}
