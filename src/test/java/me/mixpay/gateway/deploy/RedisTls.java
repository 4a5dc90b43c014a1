package me.mixpay.gateway.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CA the test makes with {@code openssl}, and a Redis server certificate it signed for {@code localhost}
 * alone (no IP address), so a client that connects by IP must fail the host check.
 */
final class RedisTls {

    final Path dir;

    private RedisTls(Path dir) {
        this.dir = dir;
    }

    static RedisTls create() throws IOException, InterruptedException {
        RedisTls tls = new RedisTls(Files.createTempDirectory("redis-tls-"));
        tls.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", tls.path("ca.key"),
                "-out", tls.path("ca.pem"), "-days", "2", "-subj", "/CN=mixpay-gateway-test-redis-ca");
        tls.openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", tls.path("server.key"),
                "-out", tls.path("server.csr"), "-subj", "/CN=localhost");
        Files.writeString(tls.dir.resolve("server.ext"), "subjectAltName=DNS:localhost\n");
        tls.openssl("x509", "-req", "-in", tls.path("server.csr"), "-CA", tls.path("ca.pem"), "-CAkey", tls.path("ca.key"), "-CAcreateserial",
                "-out", tls.path("server.pem"), "-days", "2", "-extfile", tls.path("server.ext"));
        return tls;
    }

    String ca() {
        return path("ca.pem");
    }

    /** {@code redis-server} arguments for TLS on {@code port} (clients need no certificate of their own). */
    List<String> serverArguments(int port) {
        return List.of("--tls-port", Integer.toString(port), "--tls-cert-file", path("server.pem"), "--tls-key-file", path("server.key"),
                "--tls-ca-cert-file", path("ca.pem"), "--tls-auth-clients", "no");
    }

    private String path(String file) {
        return dir.resolve(file).toString();
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + output);
        }
    }
}
