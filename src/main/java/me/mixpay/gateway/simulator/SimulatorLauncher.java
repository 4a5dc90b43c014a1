package me.mixpay.gateway.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The main class of the simulator's own jar: {@code java -jar target/mixpay-gateway-*-simulator.jar [port]}
 * (docs/simulator.md). That jar holds the simulator's classes and the error catalog's, nothing of the
 * gateway. Its libraries (Vert.x, SmallRye Config) are those of the packaged gateway beside it, in
 * {@code quarkus-app/}: Quarkus splits them into {@code lib/boot} and {@code lib/main}, which no manifest
 * {@code Class-Path} can name without pinning every version, so they are found here, in plain JDK code.
 * {@code quarkus/generated-bytecode.jar} holds the implementation Quarkus built for {@link SimulatorConfig}.
 * <p>
 * Only the JDK is used here, and the simulator is named by a string: the libraries are not on the class path yet.
 */
public final class SimulatorLauncher {

    private SimulatorLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Path ownJar = Path.of(SimulatorLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path app = Path.of(System.getProperty("simulator.quarkus-app", ownJar.resolveSibling("quarkus-app").toString()));
        if (!Files.isDirectory(app.resolve("lib/main"))) {
            System.err.println("No packaged gateway at " + app + ": run ./mvnw package first, or give its quarkus-app"
                    + " directory with -Dsimulator.quarkus-app=...");
            System.exit(2);
        }
        List<URL> classPath = new ArrayList<>();
        classPath.add(ownJar.toUri().toURL());
        classPath.addAll(jars(app.resolve("lib/boot")));
        classPath.addAll(jars(app.resolve("lib/main")));
        classPath.add(app.resolve("quarkus/generated-bytecode.jar").toUri().toURL());
        // JDK logging, to the console: the gateway's log manager is Quarkus' to configure, and is not here.
        System.setProperty("org.jboss.logging.provider", "jdk");
        ClassLoader loader = new URLClassLoader("simulator", classPath.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        try {
            loader.loadClass("me.mixpay.gateway.simulator.MixPaySimulator").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException failed) {
            throw failed.getCause() instanceof Exception e ? e : failed;
        }
    }

    private static List<URL> jars(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().map(SimulatorLauncher::url).toList();
        }
    }

    private static URL url(Path file) {
        try {
            return file.toUri().toURL();
        } catch (MalformedURLException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }
}
