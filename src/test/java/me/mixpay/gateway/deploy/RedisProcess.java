package me.mixpay.gateway.deploy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package, installed by {@code .ci/run}) on a free loopback port,
 * with nothing persisted: it can be killed and started again on the same port, as a Redis restart
 * looks to the gateway (empty, at the same address).
 */
public final class RedisProcess implements AutoCloseable {

    private final int port;
    private final Path log;
    private Process process;

    private RedisProcess(int port) throws IOException {
        this.port = port;
        this.log = Files.createTempFile("redis-", ".log");
    }

    public static RedisProcess start() throws IOException, InterruptedException {
        RedisProcess redis = new RedisProcess(freePort());
        redis.startAgain();
        return redis;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it (again) on its port, empty. */
    void startAgain() throws IOException, InterruptedException {
        String binary = Files.isExecutable(Path.of("/usr/bin/redis-server")) ? "/usr/bin/redis-server" : "redis-server";
        process = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited at start-up (is the redis-server package installed?):\n"
                        + Files.readString(log));
            }
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not listen within 10 s:\n" + Files.readString(log));
    }

    /** One command through {@code redis-cli}; its output. */
    String cli(String... command) throws IOException, InterruptedException {
        String binary = Files.isExecutable(Path.of("/usr/bin/redis-cli")) ? "/usr/bin/redis-cli" : "redis-cli";
        List<String> line = new ArrayList<>(List.of(binary, "-p", Integer.toString(port)));
        line.addAll(List.of(command));
        Process cli = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        cli.waitFor(10, TimeUnit.SECONDS);
        return output;
    }

    /** SIGKILL: Redis vanishes mid-conversation, as a crashed pod does. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
