package me.mixpay.gateway.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /** The one document of this kind and name among the YAML files directly in {@code dir}. */
    static JsonNode in(Path dir, String kind, String name) {
        return documentsIn(dir).stream()
                .filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + dir));
    }

    /** The objects of the YAML files directly in {@code dir}: kustomizations and JSON patches left out. */
    static List<JsonNode> documentsIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().equals("kustomization.yaml"))
                    .sorted().flatMap(f -> documents(f).stream()).filter(JsonNode::isObject).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode kustomization(Path dir) {
        return documents(dir.resolve("kustomization.yaml")).get(0);
    }

    /** A kustomization's JSON patch (RFC 6902): its file, the kind and name it targets, its operations. */
    record JsonPatch(Path file, String kind, String name, JsonNode operations) {
        boolean targets(JsonNode doc) {
            return kind.equals(doc.path("kind").asText()) && name.equals(doc.path("metadata").path("name").asText());
        }
    }

    /** The JSON patches a kustomization applies (patches with a target whose file is a list of operations). */
    static List<JsonPatch> jsonPatches(Path dir) {
        List<JsonPatch> patches = new ArrayList<>();
        kustomization(dir).path("patches").forEach(p -> {
            if (!p.has("target") || !p.has("path")) {
                return;
            }
            Path file = dir.resolve(p.path("path").asText()).normalize();
            List<JsonNode> docs = documents(file);
            if (docs.size() == 1 && docs.get(0).isArray()) {
                patches.add(new JsonPatch(file, p.path("target").path("kind").asText(), p.path("target").path("name").asText(),
                        docs.get(0)));
            }
        });
        return patches;
    }

    /** {@code doc} after the JSON patches of the kustomization in {@code dir} that target it. */
    static JsonNode afterJsonPatches(Path dir, JsonNode doc) {
        JsonNode result = doc.deepCopy();
        for (JsonPatch patch : jsonPatches(dir)) {
            if (patch.targets(result)) {
                result = apply(result, patch.operations());
            }
        }
        return result;
    }

    /** RFC 6902's add, replace, remove and test, which is what kustomize patches here use. */
    static JsonNode apply(JsonNode doc, JsonNode operations) {
        JsonNode result = doc.deepCopy();
        for (JsonNode op : operations) {
            String path = op.path("path").asText();
            int slash = path.lastIndexOf('/');
            if (slash < 0) {
                throw new AssertionError("not a JSON pointer: " + path);
            }
            JsonNode parent = result.at(path.substring(0, slash));
            String last = path.substring(slash + 1).replace("~1", "/").replace("~0", "~");
            String kind = op.path("op").asText();
            if (parent.isMissingNode() || !(parent.isObject() || parent.isArray())) {
                throw new AssertionError(kind + " " + path + ": no such parent");
            }
            switch (kind) {
                case "add" -> {
                    if (parent instanceof ArrayNode array) {
                        if (last.equals("-")) {
                            array.add(op.path("value").deepCopy());
                        } else {
                            array.insert(Integer.parseInt(last), op.path("value").deepCopy());
                        }
                    } else {
                        ((ObjectNode) parent).set(last, op.path("value").deepCopy());
                    }
                }
                case "replace", "remove" -> {
                    if (result.at(path).isMissingNode()) {
                        throw new AssertionError(kind + " " + path + ": nothing there");
                    }
                    if (parent instanceof ArrayNode array) {
                        int index = Integer.parseInt(last);
                        array.remove(index);
                        if (kind.equals("replace")) {
                            array.insert(index, op.path("value").deepCopy());
                        }
                    } else if (kind.equals("replace")) {
                        ((ObjectNode) parent).set(last, op.path("value").deepCopy());
                    } else {
                        ((ObjectNode) parent).remove(last);
                    }
                }
                case "test" -> {
                    if (!result.at(path).equals(op.path("value"))) {
                        throw new AssertionError("test " + path + " failed");
                    }
                }
                default -> throw new AssertionError("unsupported JSON patch operation " + kind);
            }
        }
        return result;
    }

    /** kubectl, where installed: its built-in kustomize renders what {@code kubectl apply -k} would send. */
    static Optional<Path> kubectl() {
        return Stream.of(Path.of("/usr/bin/kubectl"), Path.of("/usr/local/bin/kubectl"))
                .filter(Files::isExecutable).findFirst();
    }

    /** {@code kubectl kustomize target}: the objects as they would be applied. */
    static List<JsonNode> render(Path kubectl, String target) {
        try {
            Process process = new ProcessBuilder(kubectl.toString(), "kustomize", target).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl kustomize " + target + " did not finish in 60 s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + target + " failed: " + out);
            }
            return documents(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The rendered object of this kind and name. */
    static JsonNode find(List<JsonNode> docs, String kind, String name) {
        return docs.stream()
                .filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
    }

    /** The ConfigMap's data: the environment every gateway container starts with. */
    static Map<String, String> configEnvironment() {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        base("ConfigMap").path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }
}
