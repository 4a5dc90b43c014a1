package me.mixpay.gateway.deploy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as it ships: {@code target/quarkus-app/quarkus-run.jar} started as a child process with
 * an environment, like the container's entrypoint does, on free loopback ports.
 */
final class PackagedGateway implements AutoCloseable {

    private final Process process;
    private final Path log;
    final int port;
    final int managementPort;

    private PackagedGateway(Process process, Path log, int port, int managementPort) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.managementPort = managementPort;
    }

    static PackagedGateway start(Map<String, String> environment) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("gateway.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the *IT tests through `mvn verify`, after `package`");
        }
        // A caller that must know the port before the start (a simulator calling back) chooses it.
        int port = environment.containsKey("QUARKUS_HTTP_PORT") ? Integer.parseInt(environment.get("QUARKUS_HTTP_PORT")) : freePort();
        int management = freePort();
        Path log = Files.createTempFile("gateway-", ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(management));
        builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        builder.environment().put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        PackagedGateway gateway = new PackagedGateway(builder.start(), log, port, management);
        try {
            gateway.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException notReady) {
            // Never left running: a start that failed stops its own process.
            gateway.close();
            throw notReady;
        }
        return gateway;
    }

    /**
     * Starts one replica per environment at the same time (a JVM's start-up is mostly waiting on one core),
     * and returns them in order once all are ready; if one fails, those that started are stopped.
     */
    static List<PackagedGateway> startTogether(List<Map<String, String>> environments) throws Exception {
        ExecutorService starting = Executors.newFixedThreadPool(environments.size());
        try {
            List<Future<PackagedGateway>> starts = new ArrayList<>();
            for (Map<String, String> environment : environments) {
                starts.add(starting.submit(() -> start(environment)));
            }
            List<PackagedGateway> started = new ArrayList<>();
            Exception failed = null;
            for (Future<PackagedGateway> start : starts) {
                try {
                    started.add(start.get());
                } catch (ExecutionException e) {
                    if (failed == null) {
                        failed = e.getCause() instanceof Exception cause ? cause : e;
                    }
                }
            }
            if (failed != null) {
                for (PackagedGateway gateway : started) {
                    gateway.close();
                }
                throw failed;
            }
            return started;
        } finally {
            starting.shutdown();
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited at start-up:\n" + log());
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(management("/q/health/ready"))).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the gateway was not ready within 60 s:\n" + log());
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    String management(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    /** SIGTERM, as the kubelet sends it: {@link Process#destroy()} is SIGTERM on Linux. */
    void terminate() {
        process.destroy();
    }

    /** Waits for the exit; returns its status, or fails if the process outlived the wait. */
    int awaitExit(Duration wait) throws InterruptedException {
        if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the gateway did not exit within " + wait);
        }
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
