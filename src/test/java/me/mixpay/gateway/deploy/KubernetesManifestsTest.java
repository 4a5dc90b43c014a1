package me.mixpay.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

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
 * name only files that exist. Where kubectl is installed, the base and the overlays are also rendered
 * with its built-in kustomize and every rendered object is checked the same way.
 * <p>
 * The cluster overlay (k8s/overlays/cluster) adds the Redis the replicas share the MixPay budget
 * through: it runs under the restricted profile, only the gateway's pods reach it, the gateway's own
 * policy lets them, the gateway's ConfigMap names it, and prod builds on it. Those checks read the files;
 * where kubectl is installed they are repeated on what kustomize renders.
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
                if (doc.isArray()) {
                    // A JSON patch: what it makes of the object it targets must still be a valid object.
                    problems.addAll(validateJsonPatch(file.getKey()));
                } else {
                    problems.addAll(validate(file.getKey().toString(), doc));
                }
                objects++;
            }
        }
        assertThat(problems).isEmpty();
        assertThat(objects).isGreaterThanOrEqualTo(18);
    }

    private static List<String> validateJsonPatch(Path file) {
        Path dir = file.getParent();
        if (!Files.isRegularFile(dir.resolve("kustomization.yaml"))) {
            return List.of(file + ": a list of operations, but no kustomization beside it applies it");
        }
        List<Manifests.JsonPatch> patches = Manifests.jsonPatches(dir).stream().filter(p -> p.file().equals(file.normalize())).toList();
        if (patches.isEmpty()) {
            return List.of(file + ": a list of operations that " + dir.resolve("kustomization.yaml") + " does not apply with a target");
        }
        List<String> problems = new ArrayList<>();
        for (Manifests.JsonPatch patch : patches) {
            JsonNode target = baseObject(patch.kind(), patch.name());
            try {
                problems.addAll(validate(file + " applied to " + patch.kind() + " " + patch.name(),
                        Manifests.apply(target, patch.operations())));
            } catch (AssertionError | RuntimeException e) {
                problems.add(file + ": does not apply to " + patch.kind() + " " + patch.name() + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /** The base's object of this kind and name. */
    private static JsonNode baseObject(String kind, String name) {
        return Manifests.all().entrySet().stream().filter(e -> e.getKey().startsWith(Manifests.ROOT.resolve("base")))
                .flatMap(e -> e.getValue().stream())
                .filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in k8s/base"));
    }

    @Test
    void kustomizationsNameOnlyFilesThatExistAndValidate() {
        for (Path kustomization : List.of(Path.of("k8s/kustomization.yaml"), Path.of("k8s/base/kustomization.yaml"),
                CLUSTER.resolve("kustomization.yaml"), PROD.resolve("kustomization.yaml"))) {
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
            k.path("patches").forEach(p -> p.fieldNames().forEachRemaining(field -> assertThat(field)
                    .as("a patch field in " + kustomization).isIn("path", "target")));
            // Every JSON patch names an object the base has.
            Manifests.jsonPatches(dir).forEach(p -> baseObject(p.kind(), p.name()));
        }
    }

    @Test
    void baseAndOverlayRenderWithKubectlKustomize() throws Exception {
        Path kubectl = kubectlOrSkip();
        for (String target : List.of("k8s", CLUSTER.toString(), PROD.toString())) {
            List<JsonNode> rendered = Manifests.render(kubectl, target);
            List<String> kinds = rendered.stream().map(d -> d.path("kind").asText()).toList();
            assertThat(kinds).as(target).contains("Deployment", "Service", "ConfigMap", "HorizontalPodAutoscaler",
                    "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "PrometheusRule");
            List<String> problems = new ArrayList<>();
            rendered.forEach(doc -> problems.addAll(validate(target, doc)));
            assertThat(problems).isEmpty();
        }
    }

    // ---- The cluster overlay: a Redis the replicas share the MixPay budget through ----

    @Test
    void redisRunsAsNonRootWithResourcesAndProbesUnderTheRestrictedProfile() {
        JsonNode deployment = redisDeployment();
        // One Redis: two behind the Service would each hold part of the count.
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(deployment.path("spec").path("strategy").path("type").asText()).isEqualTo("Recreate");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode podSecurity = pod.path("securityContext");
        assertThat(podSecurity.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(podSecurity.path("runAsUser").asInt()).isPositive();
        assertThat(podSecurity.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        assertThat(pod.path("hostNetwork").asBoolean(false)).isFalse();
        assertThat(pod.path("hostPID").asBoolean(false)).isFalse();
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
        assertThat(pod.path("containers")).hasSize(1);
        JsonNode redis = pod.path("containers").get(0);

        // A pinned release, not a moving tag.
        assertThat(redis.path("image").asText()).matches("redis:\\d+\\.\\d+\\.\\d+-alpine[0-9.]*(@sha256:[0-9a-f]{64})?");
        List<String> args = new ArrayList<>();
        redis.path("command").forEach(a -> args.add(a.asText()));
        redis.path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).containsSequence("--save", "").containsSequence("--appendonly", "no");

        JsonNode security = redis.path("securityContext");
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.path("privileged").asBoolean(false)).isFalse();
        assertThat(security.path("capabilities").path("drop")).extracting(JsonNode::asText).containsExactly("ALL");
        assertThat(security.path("capabilities").path("add").isMissingNode()).isTrue();
        // Restricted Pod Security: a container's own settings may not undo the pod's.
        assertThat(security.path("runAsNonRoot").asBoolean(true)).isTrue();
        assertThat(security.path("runAsUser").asInt(1)).isPositive();

        // Redis' working directory is writable on the read-only root filesystem: an emptyDir, and the
        // pod's only kind of volume (restricted allows no hostPath).
        JsonNode data = stream(redis.path("volumeMounts")).filter(m -> m.path("mountPath").asText().equals("/data"))
                .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at /data"));
        JsonNode volume = stream(pod.path("volumes")).filter(v -> v.path("name").asText().equals(data.path("name").asText()))
                .findFirst().orElseThrow();
        assertThat(volume.has("emptyDir")).isTrue();
        assertThat(stream(pod.path("volumes"))).allMatch(v -> v.has("emptyDir"));

        JsonNode resources = redis.path("resources");
        assertThat(resources.path("requests").path("cpu").asText()).isNotEmpty();
        assertThat(resources.path("requests").path("memory").asText()).isNotEmpty();
        assertThat(resources.path("limits").path("memory").asText()).isNotEmpty();

        Set<String> ports = new HashSet<>();
        redis.path("ports").forEach(p -> {
            ports.add(p.path("name").asText());
            ports.add(p.path("containerPort").asText());
        });
        assertThat(ports).contains(String.valueOf(REDIS_PORT));
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            JsonNode check = redis.path(probe);
            assertThat(check.isObject()).as(probe).isTrue();
            if (check.has("tcpSocket")) {
                assertThat(ports).as(probe + " port").contains(check.path("tcpSocket").path("port").asText());
            } else {
                assertThat(check.path("exec").path("command")).as(probe).extracting(JsonNode::asText)
                        .contains("redis-cli").endsWith("ping");
            }
        }
    }

    @Test
    void gatewayMayReachRedisOn6379OnceTheOverlayIsApplied() {
        JsonNode base = baseObject("NetworkPolicy", "mixpay-gateway");
        JsonNode redisPods = redisDeployment().path("spec").path("template").path("metadata").path("labels");
        assertThat(egressReaches(base, redisPods, REDIS_PORT)).as("the base alone (one replica, no Redis)").isFalse();

        JsonNode patched = Manifests.afterJsonPatches(CLUSTER, base);
        assertThat(egressReaches(patched, redisPods, REDIS_PORT)).isTrue();
        // Appended: the base's own rules (DNS, MixPay) are all still there.
        assertThat(stream(patched.path("spec").path("egress")).toList()).containsAll(stream(base.path("spec").path("egress")).toList());
        assertThat(patched.path("spec").path("podSelector")).isEqualTo(base.path("spec").path("podSelector"));

        Manifests.kubectl().ifPresent(kubectl -> {
            for (Path overlay : List.of(CLUSTER, PROD)) {
                List<JsonNode> rendered = Manifests.render(kubectl, overlay.toString());
                JsonNode policy = Manifests.find(rendered, "NetworkPolicy", "mixpay-gateway");
                JsonNode pods = Manifests.find(rendered, "Deployment", REDIS).path("spec").path("template").path("metadata").path("labels");
                assertThat(egressReaches(policy, pods, REDIS_PORT)).as(overlay.toString()).isTrue();
            }
        });
    }

    @Test
    void redisAdmitsOnlyTheGatewaysPodsOnItsPort() {
        JsonNode policy = Manifests.in(CLUSTER, "NetworkPolicy", REDIS);
        JsonNode redisPods = redisDeployment().path("spec").path("template").path("metadata").path("labels");
        JsonNode gatewayPods = Manifests.base("Deployment").path("spec").path("template").path("metadata").path("labels");
        assertThat(selects(policy.path("spec").path("podSelector"), redisPods)).isTrue();
        assertThat(selects(policy.path("spec").path("podSelector"), gatewayPods)).isFalse();
        assertThat(policy.path("spec").path("policyTypes")).extracting(JsonNode::asText).contains("Ingress", "Egress");
        // Redis calls no one: no egress rule at all.
        assertThat(policy.path("spec").path("egress").size()).isZero();

        JsonNode ingress = policy.path("spec").path("ingress");
        assertThat(ingress.size()).isPositive();
        for (JsonNode rule : ingress) {
            assertThat(rule.path("from").size()).as("a rule with no from admits everyone").isPositive();
            for (JsonNode peer : rule.path("from")) {
                // Pods of this namespace only (no namespaceSelector, no ipBlock), chosen by the gateway's labels.
                List<String> fields = new ArrayList<>();
                peer.fieldNames().forEachRemaining(fields::add);
                assertThat(fields).as("peer " + peer).containsExactly("podSelector");
                JsonNode selector = peer.path("podSelector");
                assertThat(selector.has("matchExpressions")).isFalse();
                assertThat(selector.path("matchLabels").size()).isPositive();
                assertThat(selects(selector, gatewayPods)).as("peer " + peer + " selects the gateway's pods").isTrue();
                assertThat(selects(selector, redisPods)).isFalse();
            }
            assertThat(rule.path("ports").size()).as("a rule with no ports admits every port").isPositive();
            for (JsonNode port : rule.path("ports")) {
                assertThat(port.path("port").asInt()).isEqualTo(REDIS_PORT);
                assertThat(port.path("protocol").asText("TCP")).isEqualTo("TCP");
                assertThat(port.has("endPort")).isFalse();
            }
        }
    }

    @Test
    void theGatewaysServicePdbPolicyAndHpaNeverSelectTheRedisPods() {
        JsonNode redisPods = redisDeployment().path("spec").path("template").path("metadata").path("labels");
        assertThat(selects(baseObject("Service", "mixpay-gateway").path("spec").path("selector"), redisPods, true)).isFalse();
        assertThat(selects(baseObject("PodDisruptionBudget", "mixpay-gateway").path("spec").path("selector"), redisPods)).isFalse();
        assertThat(selects(baseObject("NetworkPolicy", "mixpay-gateway").path("spec").path("podSelector"), redisPods)).isFalse();
        assertThat(selects(Manifests.base("Deployment").path("spec").path("selector"), redisPods)).isFalse();
        // And the Redis Service leads to the Redis pods only.
        JsonNode service = Manifests.in(CLUSTER, "Service", REDIS);
        JsonNode gatewayPods = Manifests.base("Deployment").path("spec").path("template").path("metadata").path("labels");
        assertThat(selects(service.path("spec").path("selector"), redisPods, true)).isTrue();
        assertThat(selects(service.path("spec").path("selector"), gatewayPods, true)).isFalse();
    }

    @Test
    void theOverlaysRedisUrlIsTheRedisServicesNameAndPort() {
        JsonNode patch = Manifests.in(CLUSTER, "ConfigMap", "mixpay-gateway-config");
        assertThat(Manifests.kustomization(CLUSTER).path("patches")).extracting(p -> p.path("path").asText())
                .contains("config-patch.yaml");
        URI url = URI.create(patch.path("data").path("GATEWAY_CLUSTER_REDIS_URL").asText());
        JsonNode service = Manifests.in(CLUSTER, "Service", REDIS);
        String name = service.path("metadata").path("name").asText();
        assertThat(url.getScheme()).isEqualTo("redis");
        assertThat(url.getUserInfo()).as("no password in a ConfigMap").isNull();
        // The Service's name, short (same namespace) or qualified with a namespace.
        assertThat(url.getHost()).matches(java.util.regex.Pattern.quote(name) + "(\\.[a-z0-9-]+(\\.svc(\\.cluster\\.local)?)?)?");
        JsonNode servicePort = stream(service.path("spec").path("ports")).filter(p -> p.path("port").asInt() == url.getPort())
                .findFirst().orElseThrow(() -> new AssertionError(url + ": the Service has no port " + url.getPort()));
        // ... and that port leads to Redis' own port.
        JsonNode redis = redisDeployment().path("spec").path("template").path("spec").path("containers").get(0);
        String target = servicePort.path("targetPort").asText();
        assertThat(stream(redis.path("ports")).anyMatch(p -> p.path("containerPort").asInt() == REDIS_PORT
                && (p.path("name").asText().equals(target) || String.valueOf(REDIS_PORT).equals(target)))).isTrue();

        Manifests.kubectl().ifPresent(kubectl -> {
            for (Path overlay : List.of(CLUSTER, PROD)) {
                JsonNode config = Manifests.find(Manifests.render(kubectl, overlay.toString()), "ConfigMap", "mixpay-gateway-config");
                assertThat(config.path("data").path("GATEWAY_CLUSTER_REDIS_URL").asText()).as(overlay.toString())
                        .isEqualTo(url.toString());
                // Every base setting is still there: the patches add or change keys, never drop one.
                Set<String> keys = new HashSet<>();
                config.path("data").fieldNames().forEachRemaining(keys::add);
                assertThat(keys).as(overlay.toString()).containsAll(Manifests.configEnvironment().keySet());
            }
        });
    }

    @Test
    void everyOverlayWithRedisDividesTheLocalShareByAtLeastTheReplicasThatCanRun() {
        int surge = Manifests.base("Deployment").path("spec").path("strategy").path("rollingUpdate").path("maxSurge").asInt();
        int clusterMost = Manifests.base("HorizontalPodAutoscaler").path("spec").path("maxReplicas").asInt() + surge;
        int prodMost = Manifests.in(PROD, "HorizontalPodAutoscaler", "mixpay-gateway").path("spec").path("maxReplicas").asInt() + surge;
        String clusterSetting = maxReplicasIn(Manifests.in(CLUSTER, "ConfigMap", "mixpay-gateway-config"));
        JsonNode prodConfig = Manifests.in(PROD, "ConfigMap", "mixpay-gateway-config");
        String prodSetting = prodConfig.path("data").has(MAX_REPLICAS) ? maxReplicasIn(prodConfig) : clusterSetting;
        assertThat(Integer.parseInt(clusterSetting)).as("cluster overlay: HPA maximum plus surge").isGreaterThanOrEqualTo(clusterMost);
        assertThat(Integer.parseInt(prodSetting)).as("prod overlay: HPA maximum plus surge").isGreaterThanOrEqualTo(prodMost);

        Manifests.kubectl().ifPresent(kubectl -> {
            for (Path overlay : List.of(CLUSTER, PROD)) {
                List<JsonNode> rendered = Manifests.render(kubectl, overlay.toString());
                int most = Manifests.find(rendered, "HorizontalPodAutoscaler", "mixpay-gateway").path("spec").path("maxReplicas").asInt()
                        + Manifests.find(rendered, "Deployment", "mixpay-gateway").path("spec").path("strategy").path("rollingUpdate")
                                .path("maxSurge").asInt();
                assertThat(Integer.parseInt(maxReplicasIn(Manifests.find(rendered, "ConfigMap", "mixpay-gateway-config"))))
                        .as(overlay.toString()).isGreaterThanOrEqualTo(most);
            }
        });
    }

    private static final String MAX_REPLICAS = "GATEWAY_CLUSTER_MAX_REPLICAS";

    private static String maxReplicasIn(JsonNode config) {
        assertThat(config.path("data").has(MAX_REPLICAS)).as("%s in %s", MAX_REPLICAS, config.path("metadata")).isTrue();
        return config.path("data").path(MAX_REPLICAS).asText();
    }

    @Test
    void prodBuildsOnTheClusterOverlay() {
        List<String> prod = new ArrayList<>();
        Manifests.kustomization(PROD).path("resources").forEach(r -> prod.add(r.asText()));
        assertThat(prod).contains("../cluster").doesNotContain("../../base");
        List<String> cluster = new ArrayList<>();
        Manifests.kustomization(CLUSTER).path("resources").forEach(r -> cluster.add(r.asText()));
        assertThat(cluster).contains("../../base", "redis-deployment.yaml", "redis-service.yaml", "redis-networkpolicy.yaml");
        // Prod's own config patch leaves the Redis URL to the cluster overlay.
        assertThat(Manifests.in(PROD, "ConfigMap", "mixpay-gateway-config").path("data").has("GATEWAY_CLUSTER_REDIS_URL")).isFalse();

        Manifests.kubectl().ifPresent(kubectl -> {
            List<JsonNode> rendered = Manifests.render(kubectl, PROD.toString());
            JsonNode redis = Manifests.find(rendered, "Deployment", REDIS);
            JsonNode gateway = Manifests.find(rendered, "Deployment", "mixpay-gateway");
            assertThat(redis.path("metadata").path("namespace").asText()).isEqualTo(gateway.path("metadata").path("namespace").asText());
            Manifests.find(rendered, "Service", REDIS);
            Manifests.find(rendered, "NetworkPolicy", REDIS);
            // Prod's patches still take: three replicas, its image, and the image change leaves Redis' alone.
            assertThat(gateway.path("spec").path("replicas").asInt()).isEqualTo(3);
            assertThat(gateway.path("spec").path("template").path("spec").path("containers").get(0).path("image").asText())
                    .startsWith("registry.example.com/");
            assertThat(redis.path("spec").path("template").path("spec").path("containers").get(0).path("image").asText())
                    .isEqualTo(redisDeployment().path("spec").path("template").path("spec").path("containers").get(0).path("image").asText());
        });
    }

    private static final Path CLUSTER = Path.of("k8s/overlays/cluster");
    private static final Path PROD = Path.of("k8s/overlays/prod");
    private static final String REDIS = "mixpay-gateway-redis";
    private static final int REDIS_PORT = 6379;

    private static JsonNode redisDeployment() {
        return Manifests.in(CLUSTER, "Deployment", REDIS);
    }

    private static Path kubectlOrSkip() {
        Optional<Path> kubectl = Manifests.kubectl();
        org.junit.jupiter.api.Assumptions.assumeTrue(kubectl.isPresent(), "kubectl is not installed; the file-level checks still ran");
        return kubectl.get();
    }

    /** Whether one of the policy's egress rules lets its pods reach pods with these labels, same namespace, on this port. */
    private static boolean egressReaches(JsonNode policy, JsonNode podLabels, int port) {
        for (JsonNode rule : policy.path("spec").path("egress")) {
            boolean toPods = stream(rule.path("to")).anyMatch(peer -> !peer.has("namespaceSelector") && !peer.has("ipBlock")
                    && selects(peer.path("podSelector"), podLabels));
            boolean onPort = stream(rule.path("ports")).anyMatch(p -> p.path("port").asInt() == port
                    && p.path("protocol").asText("TCP").equals("TCP"));
            if (toPods && onPort) {
                return true;
            }
        }
        return false;
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        return selects(selector.path("matchLabels"), labels, false) && !selector.has("matchExpressions");
    }

    /** A label selector's matchLabels (or a Service's selector, {@code plain}) against a pod's labels. */
    private static boolean selects(JsonNode matchLabels, JsonNode labels, boolean plain) {
        if (matchLabels.isMissingNode() || matchLabels.isNull()) {
            return !plain;
        }
        Iterator<Map.Entry<String, JsonNode>> wanted = matchLabels.fields();
        while (wanted.hasNext()) {
            Map.Entry<String, JsonNode> label = wanted.next();
            if (!label.getValue().asText().equals(labels.path(label.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
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
