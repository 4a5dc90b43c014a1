package me.mixpay.gateway.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
        requireBinary();
        Path profile = Files.createTempDirectory("chromium-profile");
        try {
            String dom = run(profile, List.of("--dump-dom", url));
            run(profile, List.of("--screenshot=" + screenshot.toAbsolutePath(), "--window-size=1400,900", url));
            return dom;
        } finally {
            deleteQuietly(profile);
        }
    }

    /**
     * The page at {@code url} laid out in a window {@code width} by {@code height} CSS pixels: how many pixels
     * its content is wider than the window (0: no sideways scrolling), with a screenshot of what shows. Read
     * through Chromium's DevTools protocol, since the page itself allows no script (its CSP).
     */
    public static int overflowAt(String url, int width, int height, Path screenshot) throws Exception {
        requireBinary();
        Path profile = Files.createTempDirectory("chromium-profile");
        Process chromium = new ProcessBuilder(command(profile, List.of("--remote-debugging-port=0",
                "--window-size=" + width + "," + height, url))).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            int port = devToolsPort(chromium);
            HttpClient http = HttpClient.newHttpClient();
            JsonArray targets = new JsonArray(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String socket = targets.stream().map(JsonObject.class::cast).filter(t -> "page".equals(t.getString("type")))
                    .map(t -> t.getString("webSocketDebuggerUrl")).findFirst().orElseThrow(() -> new IllegalStateException("no page in Chromium"));
            try (DevTools page = new DevTools(http, socket)) {
                long until = System.currentTimeMillis() + 30_000;
                while (!"complete".equals(page.evaluate("document.readyState").getValue("value"))) {
                    if (System.currentTimeMillis() > until) {
                        throw new IllegalStateException("the page did not load within 30 s");
                    }
                    Thread.sleep(100);
                }
                // The window's own size has a floor (about 500 px headless): the viewport is set exactly. A phone
                // lays the page out as wide as itself too, since the page asks for width=device-width.
                page.call("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", width).put("height", height)
                        .put("deviceScaleFactor", 1).put("mobile", false));
                // Applied with the next layout: on a busy machine that can take a moment.
                long resizedBy = System.currentTimeMillis() + 10_000;
                Object inner = page.evaluate("window.innerWidth").getValue("value");
                while (((Number) inner).intValue() != width) {
                    if (System.currentTimeMillis() > resizedBy) {
                        throw new IllegalStateException("Chromium laid the page out " + inner + " px wide, not " + width);
                    }
                    Thread.sleep(100);
                    inner = page.evaluate("window.innerWidth").getValue("value");
                }
                JsonObject shot = page.call("Page.captureScreenshot", new JsonObject().put("format", "png"));
                Files.write(screenshot, Base64.getDecoder().decode(shot.getString("data")));
                Object overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth").getValue("value");
                return ((Number) overflow).intValue();
            }
        } finally {
            // Its renderer and zygote processes too: they are its children, known by PID, not by name.
            List<ProcessHandle> family = chromium.descendants().toList();
            chromium.destroy();
            if (!chromium.waitFor(10, TimeUnit.SECONDS)) {
                chromium.destroyForcibly();
            }
            family.forEach(ProcessHandle::destroyForcibly);
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (java.util.stream.Stream<Path> files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException gone) {
            // a profile Chromium was still writing: the temporary directory's own cleanup takes it
        }
    }

    /** Chromium says on stderr where its DevTools listen: {@code DevTools listening on ws://127.0.0.1:PORT/...}. */
    private static int devToolsPort(Process chromium) throws IOException {
        // A Chromium that never says is ended after 30 s, which ends the reading below.
        java.util.concurrent.atomic.AtomicBoolean said = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture.delayedExecutor(30, TimeUnit.SECONDS).execute(() -> {
            if (!said.get()) {
                chromium.destroyForcibly();
            }
        });
        BufferedReader errors = new BufferedReader(new InputStreamReader(chromium.getErrorStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("DevTools listening on ws://[^:]+:(\\d+)/");
        for (String line = errors.readLine(); line != null; line = errors.readLine()) {
            Matcher port = listening.matcher(line);
            if (port.find()) {
                said.set(true);
                // The rest of stderr is drained, so Chromium never blocks on a full pipe.
                Thread drain = new Thread(() -> {
                    try {
                        errors.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException closed) {
                        // Chromium ended
                    }
                }, "chromium-stderr");
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(port.group(1));
            }
        }
        throw new IllegalStateException("Chromium ended without opening its DevTools port");
    }

    /** One page's DevTools connection: a command, and its result by id. */
    private static final class DevTools implements WebSocket.Listener, AutoCloseable {

        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;

        DevTools(HttpClient http, String url) {
            this.socket = http.newWebSocketBuilder().buildAsync(URI.create(url), this).join();
        }

        JsonObject evaluate(String expression) throws Exception {
            return call("Runtime.evaluate", new JsonObject().put("expression", expression).put("returnByValue", true)).getJsonObject("result");
        }

        JsonObject call(String method, JsonObject params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonObject> reply = new CompletableFuture<>();
            pending.put(id, reply);
            socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true).join();
            JsonObject answer = reply.get(30, TimeUnit.SECONDS);
            if (answer.containsKey("error")) {
                throw new IllegalStateException(method + ": " + answer.getJsonObject("error").encode());
            }
            return answer.getJsonObject("result");
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject message = new JsonObject(partial.toString());
                partial.setLength(0);
                CompletableFuture<JsonObject> reply = message.containsKey("id") ? pending.remove(message.getInteger("id")) : null;
                if (reply != null) {
                    reply.complete(message);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(failed -> null).join();
        }
    }

    private static void requireBinary() {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException("the status page test needs Chromium at " + BINARY
                    + " (Debian: apt-get install chromium; or -Dchromium.binary=...)");
        }
    }

    private static List<String> command(Path profile, List<String> action) {
        List<String> command = new ArrayList<>(List.of(BINARY, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        command.addAll(action);
        return command;
    }

    private static String run(Path profile, List<String> action) throws IOException, InterruptedException {
        List<String> command = command(profile, action);
        Process chromium = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = chromium.getInputStream().readAllBytes();
        if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            throw new IllegalStateException("Chromium did not finish within 60 s");
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
