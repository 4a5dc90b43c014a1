package me.mixpay.gateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Many requests through the gateway's real HTTP port with keep-alive connections, for the tests that
 * need thousands (cardinality, chaos). REST Assured opens a connection and runs Groovy per call, which
 * makes it the bottleneck long before the gateway is.
 */
public final class LoadClient {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public LoadClient(int port) {
        this.base = "http://localhost:" + port;
    }

    /** Sends {@code count} requests, at most {@code concurrency} at a time; returns every reply in order. */
    public List<HttpResponse<String>> run(int count, int concurrency, IntFunction<HttpRequest.Builder> request)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            HttpRequest built = request.apply(i).timeout(Duration.ofSeconds(30)).build();
            replies.add(http.sendAsync(built, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((reply, failure) -> inFlight.release()));
        }
        inFlight.tryAcquire(concurrency, 60, TimeUnit.SECONDS);
        return replies.stream().map(CompletableFuture::join).toList();
    }

    public HttpRequest.Builder to(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery));
    }
}
