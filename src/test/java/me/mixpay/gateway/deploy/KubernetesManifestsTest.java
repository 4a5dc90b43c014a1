package me.mixpay.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

/**
 * Every manifest under k8s/ is a valid Kubernetes object: it binds to the API's own types (the fabric8
 * model, generated from the Kubernetes OpenAPI schema) with no field left over, and the kustomizations
 * name only files that exist. Where kubectl is installed, the base and the overlay are also rendered
 * with its built-in kustomize and every rendered object is checked the same way.
 */
class KubernetesManifestsTest {

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "Deployment", Deployment.class, "Service", Service.class, "ConfigMap", ConfigMap.class,
            "Secret", Secret.class, "Namespace", Namespace.class, "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "PodDisruptionBudget", PodDisruptionBudget.class, "NetworkPolicy", NetworkPolicy.class,
            "ServiceMonitor", ServiceMonitor.class, "PrometheusRule", PrometheusRule.class);

    @Test
    void everyManifestBindsToTheKubernetesSchemaWithNoUnknownField() {
        List<String> problems = new ArrayList<>();
        int objects = 0;
        for (Map.Entry<Path, List<JsonNode>> file : Manifests.all().entrySet()) {
            if (file.getKey().getFileName().toString().equals("kustomization.yaml")) {
                continue;
            }
            for (JsonNode doc : file.getValue()) {
                problems.addAll(validate(file.getKey().toString(), doc));
                objects++;
            }
        }
        assertThat(problems).isEmpty();
        assertThat(objects).isGreaterThanOrEqualTo(12);
    }

    @Test
    void kustomizationsNameOnlyFilesThatExistAndValidate() {
        for (Path kustomization : List.of(Path.of("k8s/kustomization.yaml"), Path.of("k8s/base/kustomization.yaml"),
                Path.of("k8s/overlays/prod/kustomization.yaml"))) {
            JsonNode k = Manifests.documents(kustomization).get(0);
            assertThat(k.path("kind").asText()).isEqualTo("Kustomization");
            Path dir = kustomization.getParent();
            List<String> referenced = new ArrayList<>();
            k.path("resources").forEach(r -> referenced.add(r.asText()));
            k.path("patches").forEach(p -> referenced.add(p.path("path").asText()));
            k.path("configMapGenerator").forEach(g -> g.path("files").forEach(f -> referenced.add(f.asText())));
            assertThat(referenced).as(kustomization.toString()).isNotEmpty();
            for (String ref : referenced) {
                Path target = dir.resolve(ref).normalize();
                assertThat(Files.isRegularFile(target) || Files.isRegularFile(target.resolve("kustomization.yaml")))
                        .as("%s names %s", kustomization, ref).isTrue();
            }
            k.fieldNames().forEachRemaining(field -> assertThat(field).as("a kustomization field in " + kustomization)
                    .isIn("apiVersion", "kind", "namespace", "resources", "patches", "images", "configMapGenerator"));
        }
    }

    @Test
    void baseAndOverlayRenderWithKubectlKustomize() throws Exception {
        Path kubectl = Path.of("/usr/bin/kubectl");
        if (!Files.isExecutable(kubectl)) {
            kubectl = Path.of("/usr/local/bin/kubectl");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(kubectl),
                "kubectl is not installed; the file-level checks above still ran");
        for (String target : List.of("k8s", "k8s/overlays/prod")) {
            List<JsonNode> rendered = Manifests.documents(render(kubectl, target));
            List<String> kinds = rendered.stream().map(d -> d.path("kind").asText()).toList();
            assertThat(kinds).as(target).contains("Deployment", "Service", "ConfigMap", "HorizontalPodAutoscaler",
                    "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "PrometheusRule");
            List<String> problems = new ArrayList<>();
            rendered.forEach(doc -> problems.addAll(validate(target, doc)));
            assertThat(problems).isEmpty();
        }
    }

    private static String render(Path kubectl, String target) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(kubectl.toString(), "kustomize", target).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("kubectl kustomize %s: %s", target, out).isZero();
        return out;
    }

    private static List<String> validate(String where, JsonNode doc) {
        String kind = doc.path("kind").asText();
        Class<? extends HasMetadata> type = KINDS.get(kind);
        if (type == null) {
            return List.of(where + ": unexpected kind " + kind);
        }
        List<String> problems = new ArrayList<>();
        String apiVersion = HasMetadata.getApiVersion(type);
        if (!apiVersion.equals(doc.path("apiVersion").asText())) {
            problems.add(where + ": " + kind + " must be " + apiVersion);
        }
        try {
            HasMetadata bound = Manifests.YAML.convertValue(doc, type);
            leftovers(bound, kind, problems, where);
        } catch (IllegalArgumentException e) {
            problems.add(where + ": " + kind + " does not bind: " + e.getMessage());
        }
        return problems;
    }

    /** Fields the schema does not know end up in a model's additionalProperties: each is a mistake. */
    private static void leftovers(Object node, String path, List<String> problems, String where) {
        if (node == null || !node.getClass().getPackageName().startsWith("io.fabric8")) {
            if (node instanceof Collection<?> items) {
                int i = 0;
                for (Object item : items) {
                    leftovers(item, path + "[" + i++ + "]", problems, where);
                }
            } else if (node instanceof Map<?, ?> map) {
                map.forEach((k, v) -> leftovers(v, path + "." + k, problems, where));
            }
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !(getter.getName().startsWith("get")) || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object value = getter.invoke(node);
                if (getter.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        problems.add(where + ": unknown field(s) " + extra.keySet() + " at " + path);
                    }
                } else {
                    leftovers(value, path + "." + getter.getName().substring(3), problems, where);
                }
            } catch (ReflectiveOperationException e) {
                problems.add(where + ": cannot read " + path + "." + getter.getName() + ": " + e);
            }
        }
    }
}
