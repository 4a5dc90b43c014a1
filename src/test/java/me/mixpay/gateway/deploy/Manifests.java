package me.mixpay.gateway.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** The YAML documents under {@code k8s/}, read as the API server would receive them. */
final class Manifests {

    static final Path ROOT = Path.of("k8s");
    static final ObjectMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new JsonMapper();

    private Manifests() {
    }

    /** Every YAML file under k8s/ with the documents it holds. */
    static Map<Path, List<JsonNode>> all() {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .collect(java.util.stream.Collectors.toMap(f -> f, Manifests::documents, (a, b) -> a, java.util.TreeMap::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> documents(Path file) {
        try {
            return documents(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> documents(String yaml) {
        try (var parser = new YAMLFactory().createParser(yaml)) {
            List<JsonNode> docs = new ArrayList<>();
            YAML.readValues(parser, JsonNode.class).forEachRemaining(doc -> {
                if (doc != null && !doc.isMissingNode() && !doc.isNull()) {
                    docs.add(doc);
                }
            });
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one document of this kind (and name) in the base. */
    static JsonNode base(String kind) {
        return all().entrySet().stream().filter(e -> e.getKey().startsWith(ROOT.resolve("base")))
                .flatMap(e -> e.getValue().stream()).filter(d -> kind.equals(d.path("kind").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " in k8s/base"));
    }

    /** The ConfigMap's data: the environment every gateway container starts with. */
    static Map<String, String> configEnvironment() {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        base("ConfigMap").path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }
}
