package me.mixpay.gateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private CA and certificates signed by it, made with the JDK's keytool at test time (nothing secret
 * is committed): the gateway's server certificate for localhost, and client certificates whose CN is a
 * merchant id. Every store is PKCS#12 with the password {@link #PASSWORD}.
 */
public final class TestCertificates {

    public static final String PASSWORD = "changeit";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /**
     * Creates the CA, its trust store, and the server certificate in {@code dir}, or reuses them when a
     * fresh set is already there: a test profile is loaded by more than one class loader, and both must
     * see the same CA.
     */
    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        TestCertificates certs = new TestCertificates(dir);
        Path done = dir.resolve("ready");
        if (Files.exists(done) && Files.getLastModifiedTime(done).toMillis() > System.currentTimeMillis() - 3_600_000) {
            return certs;
        }
        if (Files.exists(dir)) {
            try (var old = Files.walk(dir)) {
                old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        certs.keytool("-genkeypair", "-alias", "ca", "-dname", "CN=mixpay-gateway-test-ca", "-keyalg", "EC",
                "-ext", "bc:c", "-validity", "2", "-keystore", certs.path("ca.p12"));
        certs.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", certs.path("ca.p12"), "-file", certs.path("ca.pem"));
        certs.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", certs.path("ca.pem"), "-keystore", certs.path("trust.p12"));
        certs.signed("server", "localhost", "SAN=dns:localhost,ip:127.0.0.1");
        return certs;
    }

    /** Marks the set complete, after the caller added its client certificates. */
    public void ready() throws IOException {
        Files.writeString(dir.resolve("ready"), "");
    }

    public Path store(String name) {
        return dir.resolve(name + ".p12");
    }

    /** A key store holding a CA-signed certificate with this CN. */
    public Path signed(String name, String commonName, String... extensions) throws IOException, InterruptedException {
        String store = path(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-dname", "CN=" + commonName, "-keyalg", "EC", "-validity", "2", "-keystore", store);
        keytool("-certreq", "-alias", name, "-keystore", store, "-file", path(name + ".csr"));
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", path("ca.p12"), "-infile",
                path(name + ".csr"), "-outfile", path(name + ".pem"), "-rfc", "-validity", "2"));
        for (String extension : extensions) {
            sign.add("-ext");
            sign.add(extension);
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", path("ca.pem"), "-keystore", store);
        keytool("-importcert", "-alias", name, "-file", path(name + ".pem"), "-keystore", store);
        return dir.resolve(name + ".p12");
    }

    /** A key store with a self-signed certificate: a client the CA never vouched for. */
    public Path selfSigned(String name, String commonName) throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", name, "-dname", "CN=" + commonName, "-keyalg", "EC", "-validity", "2",
                "-keystore", path(name + ".p12"));
        return dir.resolve(name + ".p12");
    }

    public Path trustStore() {
        return dir.resolve("trust.p12");
    }

    public Path serverStore() {
        return dir.resolve("server.p12");
    }

    private String path(String file) {
        return dir.resolve(file).toString();
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
