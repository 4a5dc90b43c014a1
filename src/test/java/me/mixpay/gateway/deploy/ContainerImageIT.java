package me.mixpay.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The image recipe works on what {@code mvn package} leaves behind: every COPY source of the Dockerfile
 * exists, and the .dockerignore lets those sources into the build context while keeping everything else
 * (sources, .git, IDE files, other target/ leftovers) out. No Docker engine is needed to check this.
 */
class ContainerImageIT {

    private static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile.jvm");

    @Test
    void copySourcesExistAfterPackageAndAreInTheBuildContext() throws IOException {
        List<String> ignore = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<String> sources = copySources();
        assertThat(sources).isNotEmpty();
        for (String source : sources) {
            List<Path> matched = expand(source);
            assertThat(matched).as("COPY source %s after mvn package", source).isNotEmpty();
            for (Path file : matched) {
                assertThat(excluded(ignore, file.toString())).as("%s excluded by .dockerignore", file).isFalse();
            }
        }
    }

    @Test
    void buildContextLeavesOutEverythingTheImageDoesNotNeed() throws IOException {
        List<String> ignore = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (String unwanted : List.of(".git/config", ".idea/workspace.xml", "src/main/java/Foo.java", "pom.xml",
                "target/classes/application.properties", "target/surefire-reports/x.txt", "k8s/base/deployment.yaml",
                "target/mixpay-gateway-0.1.0-SNAPSHOT.jar")) {
            assertThat(excluded(ignore, unwanted)).as(unwanted).isTrue();
        }
    }

    /**
     * The Deployment's JAVA_OPTS_APPEND replaces the image's, so it must carry every option the image
     * sets: a collector or heap size lost there would run the pods with settings nobody measured.
     */
    @Test
    void theDeploymentKeepsEveryJvmOptionOfTheImage() throws IOException {
        List<String> image = imageJvmOptions();
        assertThat(image).contains("-XX:+UseParallelGC", "-XX:MaxRAMPercentage=22.0");
        var env = Manifests.base("Deployment").path("spec").path("template").path("spec").path("containers").get(0).path("env");
        List<String> deployment = new ArrayList<>();
        env.forEach(variable -> {
            if (variable.path("name").asText().equals("JAVA_OPTS_APPEND")) {
                deployment.addAll(List.of(variable.path("value").asText().trim().split("\\s+")));
            }
        });
        assertThat(deployment).containsAll(image);
    }

    /**
     * A JVM that does not know one of the options refuses to start, so a typo or an option newer than
     * the image's JDK would leave every pod in a crash loop. This checks the options on the JDK running
     * the build (17 or later, like the image's).
     */
    @Test
    void theImageJvmOptionsStartAJvm() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-XX:MaxRAM=512m");
        command.addAll(imageJvmOptions());
        command.add("-version");
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes());
        assertThat(java.waitFor()).as(output).isZero();
        assertThat(output).doesNotContainIgnoringCase("unrecognized").doesNotContainIgnoringCase("warning");
    }

    private static List<String> imageJvmOptions() throws IOException {
        return Files.readAllLines(DOCKERFILE).stream()
                .filter(line -> line.startsWith("ENV JAVA_OPTS_APPEND="))
                .map(line -> line.substring("ENV JAVA_OPTS_APPEND=".length()).replace("\"", ""))
                .flatMap(options -> Stream.of(options.trim().split("\\s+"))).toList();
    }

    private static List<String> copySources() throws IOException {
        List<String> sources = new ArrayList<>();
        for (String line : Files.readAllLines(DOCKERFILE)) {
            String[] words = line.trim().split("\\s+");
            if (words.length > 0 && words[0].equalsIgnoreCase("COPY")) {
                List<String> args = Stream.of(words).skip(1).filter(w -> !w.startsWith("--")).toList();
                assertThat(line).as("COPY from another stage is not expected here").doesNotContain("--from");
                sources.addAll(args.subList(0, args.size() - 1));
            }
        }
        return sources;
    }

    /** The files a COPY source stands for (a directory stands for everything under it). */
    private static List<Path> expand(String source) throws IOException {
        String glob = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
        var matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        List<Path> files = new ArrayList<>();
        Path base = Path.of(glob.contains("*") ? glob.substring(0, glob.lastIndexOf('/')) : glob);
        if (!Files.exists(base)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(base)) {
            walk.filter(Files::isRegularFile).forEach(f -> {
                for (Path p = f; p != null; p = p.getParent()) {
                    if (matcher.matches(p)) {
                        files.add(f);
                        return;
                    }
                }
            });
        }
        return files;
    }

    /** Docker's rule: the last pattern matching the path or one of its parent directories decides. */
    static boolean excluded(List<String> patterns, String path) {
        boolean excluded = false;
        for (String pattern : patterns) {
            boolean negated = pattern.startsWith("!");
            String glob = (negated ? pattern.substring(1) : pattern).replaceAll("/+$", "");
            var matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            for (Path p = Path.of(path); p != null; p = p.getParent()) {
                if (matcher.matches(p)) {
                    excluded = !negated;
                    break;
                }
            }
        }
        return excluded;
    }
}
