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
 * A real {@code redis-server} (Debian's package, installed by {@code ./test}) on a free loopback port,
 * with nothing persisted: it can be killed and started again on the same port, as a Redis restart
 * looks to the gateway (empty, at the same address). Extra arguments make it a replica, a sentinel, a
 * cluster node or a TLS server; it is stopped, paused and resumed by its own PID.
 */
public final class RedisProcess implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final Path log;
    private final List<String> arguments;
    private final List<String> cliArguments = new ArrayList<>();
    private Process process;
    private int serving;

    private RedisProcess(int port, List<String> arguments) throws IOException {
        this.port = port;
        this.dir = Files.createTempDirectory("redis-" + port + "-");
        this.log = dir.resolve("redis.log");
        this.arguments = arguments;
    }

    public static RedisProcess start() throws IOException, InterruptedException {
        return start(List.of());
    }

    /** A {@code redis-server} with these arguments after its port (e.g. {@code --replicaof 127.0.0.1 6379}). */
    public static RedisProcess start(List<String> arguments) throws IOException, InterruptedException {
        RedisProcess redis = new RedisProcess(freePort(), arguments);
        redis.startAgain();
        return redis;
    }

    /** A sentinel on a free port, from these configuration lines (Redis rewrites the file, so it is its own). */
    public static RedisProcess sentinel(List<String> configuration) throws IOException, InterruptedException {
        RedisProcess sentinel = new RedisProcess(freePort(), null);
        Path conf = sentinel.dir.resolve("sentinel.conf");
        List<String> lines = new ArrayList<>(List.of("port " + sentinel.port, "bind 127.0.0.1", "dir " + sentinel.dir));
        lines.addAll(configuration);
        Files.write(conf, lines);
        sentinel.launch(List.of(binary("redis-server"), conf.toString(), "--sentinel"));
        return sentinel;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    /** Arguments {@link #cli} passes before each command (a password, TLS). */
    public RedisProcess withCli(String... arguments) {
        cliArguments.addAll(List.of(arguments));
        return this;
    }

    /** Starts it (again) on its port, empty. */
    void startAgain() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary("redis-server"), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        command.addAll(arguments);
        if (arguments.contains("--tls-port")) {
            // The TLS port is the one given; the plain port is off.
            command.set(2, "0");
        }
        launch(command);
    }

    private void launch(List<String> command) throws IOException, InterruptedException {
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int listening = command.contains("--tls-port") ? Integer.parseInt(command.get(command.indexOf("--tls-port") + 1)) : port;
        serving = listening;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited at start-up (is the redis-server package installed?):\n"
                        + Files.readString(log));
            }
            try (Socket probe = new Socket("127.0.0.1", listening)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not listen within 10 s:\n" + Files.readString(log));
    }

    /** One command through {@code redis-cli}; its output. */
    public String cli(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(binary("redis-cli"), "-p", Integer.toString(serving)));
        line.addAll(cliArguments);
        line.addAll(List.of(command));
        Process cli = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        cli.waitFor(10, TimeUnit.SECONDS);
        return output;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: Redis vanishes mid-conversation, as a crashed pod does. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP: Redis holds its connections open and answers nothing, as a frozen node does. */
    public void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            try {
                resume(); // a paused process ignores nothing but SIGKILL and SIGCONT; resume keeps its exit clean
            } catch (IOException | IllegalStateException ignored) {
                // it exits by SIGKILL below all the same
            }
            kill();
        }
    }

    private static String binary(String name) {
        return Files.isExecutable(Path.of("/usr/bin/" + name)) ? "/usr/bin/" + name : name;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
