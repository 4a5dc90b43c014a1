package me.mixpay.gateway.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, as a real browser for the status page: it loads a URL and returns the DOM
 * it built (and a screenshot beside it, for a human reading the build). The flags keep it off the
 * network beyond the page itself, which this machine's closed network would otherwise refuse noisily.
 */
public final class HeadlessChromium {

    private static final String BINARY = System.getProperty("chromium.binary", "/usr/bin/chromium");

    private HeadlessChromium() {
    }

    public static String dumpDom(String url, Path screenshot) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException("the status page test needs Chromium at " + BINARY
                    + " (Debian: apt-get install chromium; or -Dchromium.binary=...)");
        }
        Path profile = Files.createTempDirectory("chromium-profile");
        String dom = run(profile, List.of("--dump-dom", url));
        run(profile, List.of("--screenshot=" + screenshot.toAbsolutePath(), "--window-size=1400,900", url));
        return dom;
    }

    private static String run(Path profile, List<String> action) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BINARY, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        command.addAll(action);
        Process chromium = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = chromium.getInputStream().readAllBytes();
        if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            throw new IllegalStateException("Chromium did not finish within 60 s");
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
