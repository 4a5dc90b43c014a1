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
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
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
 * The cluster overlay (k8s/overlays/cluster) adds the Redis the replicas share their state through, highly
 * available: three pods of a node and a sentinel each, one per node, one drained at a time, under the
 * restricted profile; only the gateway's pods (and its own) reach it, the gateway's own policy lets them,
 * the gateway's ConfigMap names its sentinels, and prod builds on it. Those checks read the files;
 * where kubectl is installed they are repeated on what kustomize renders.
 */
class KubernetesManifestsTest {

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("Deployment", Deployment.class),
            Map.entry("StatefulSet", StatefulSet.class),
            Map.entry("Service", Service.class),
            Map.entry("ConfigMap", ConfigMap.class),
            Map.entry("Secret", Secret.class),
            Map.entry("Namespace", Namespace.class),
            Map.entry("HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("NetworkPolicy", NetworkPolicy.class),
            Map.entry("ServiceMonitor", ServiceMonitor.class),
            Map.entry("PrometheusRule", PrometheusRule.class));

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

    // ---- The cluster overlay: a highly available Redis the replicas share their state through ----

    @Test
    void redisIsThreeNodesWithSentinelsOnePodPerNodeUnderTheRestrictedProfile() throws Exception {
        JsonNode set = redisStatefulSet();
        // Three: a primary, two replicas, and three sentinels for a quorum of two.
        assertThat(set.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(set.path("spec").path("serviceName").asText()).isEqualTo(HEADLESS);
        JsonNode pod = set.path("spec").path("template").path("spec");
        JsonNode podLabels = set.path("spec").path("template").path("metadata").path("labels");
        // One pod per node: losing a node loses one of three.
        JsonNode antiAffinity = pod.path("affinity").path("podAntiAffinity").path("requiredDuringSchedulingIgnoredDuringExecution");
        assertThat(stream(antiAffinity).anyMatch(term -> term.path("topologyKey").asText().equals("kubernetes.io/hostname")
                && selects(term.path("labelSelector"), podLabels))).as("anti-affinity on the node").isTrue();
        // Drains take one at a time.
        JsonNode pdb = Manifests.in(CLUSTER, "PodDisruptionBudget", REDIS);
        assertThat(pdb.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
        assertThat(selects(pdb.path("spec").path("selector"), podLabels)).isTrue();

        JsonNode podSecurity = pod.path("securityContext");
        assertThat(podSecurity.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(podSecurity.path("runAsUser").asInt()).isPositive();
        assertThat(podSecurity.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        assertThat(pod.path("hostNetwork").asBoolean(false)).isFalse();
        assertThat(pod.path("hostPID").asBoolean(false)).isFalse();
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
        assertThat(stream(pod.path("containers")).map(c -> c.path("name").asText()).toList()).containsExactly("redis", "sentinel");
        Map<String, Integer> portOf = Map.of("redis", REDIS_PORT, "sentinel", SENTINEL_PORT);
        for (JsonNode container : pod.path("containers")) {
            String name = container.path("name").asText();
            // A pinned release, not a moving tag.
            assertThat(container.path("image").asText()).matches("redis:\\d+\\.\\d+\\.\\d+-alpine[0-9.]*(@sha256:[0-9a-f]{64})?");
            JsonNode security = container.path("securityContext");
            assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(name).isFalse();
            assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(name).isTrue();
            assertThat(security.path("privileged").asBoolean(false)).as(name).isFalse();
            assertThat(security.path("capabilities").path("drop")).extracting(JsonNode::asText).containsExactly("ALL");
            assertThat(security.path("capabilities").path("add").isMissingNode()).isTrue();
            // Restricted Pod Security: a container's own settings may not undo the pod's.
            assertThat(security.path("runAsNonRoot").asBoolean(true)).isTrue();
            assertThat(security.path("runAsUser").asInt(1)).isPositive();
            JsonNode resources = container.path("resources");
            assertThat(resources.path("requests").path("cpu").asText()).as(name).isNotEmpty();
            assertThat(resources.path("requests").path("memory").asText()).as(name).isNotEmpty();
            assertThat(resources.path("limits").path("memory").asText()).as(name).isNotEmpty();
            Set<String> ports = new HashSet<>();
            container.path("ports").forEach(p -> {
                ports.add(p.path("name").asText());
                ports.add(p.path("containerPort").asText());
            });
            assertThat(ports).as(name).contains(String.valueOf(portOf.get(name)));
            for (String probe : List.of("livenessProbe", "readinessProbe")) {
                JsonNode check = container.path(probe);
                assertThat(check.isObject()).as(name + " " + probe).isTrue();
                if (check.has("tcpSocket")) {
                    assertThat(ports).as(probe + " port").contains(check.path("tcpSocket").path("port").asText());
                } else {
                    assertThat(check.path("exec").path("command")).as(probe).extracting(JsonNode::asText)
                            .contains("redis-cli", String.valueOf(portOf.get(name))).endsWith("ping");
                }
            }
        }
        // Writable places on the read-only root filesystem: the data volume (a claim per pod: the append-only
        // file outlives the pod) and emptyDirs; the scripts from their ConfigMap. Restricted allows no hostPath.
        assertThat(stream(pod.path("volumes"))).allMatch(v -> v.has("emptyDir") || v.has("configMap"));
        assertThat(stream(set.path("spec").path("volumeClaimTemplates")).map(c -> c.path("metadata").path("name").asText())).contains("data");

        JsonNode scripts = Manifests.in(CLUSTER, "ConfigMap", "mixpay-gateway-redis-scripts").path("data");
        for (String script : List.of("primary.sh", "redis.sh", "sentinel.sh")) {
            Path file = Files.createTempFile("redis-script-", ".sh");
            Files.writeString(file, scripts.path(script).asText());
            Process check = new ProcessBuilder("sh", "-n", file.toString()).redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes());
            assertThat(check.waitFor()).as(script + " is valid sh: " + output).isZero();
        }
        // Durable: an append-only file, and a primary that refuses writes with no replica to copy them.
        assertThat(scripts.path("redis.sh").asText()).contains("--appendonly yes", "--min-replicas-to-write 1", "--maxmemory-policy noeviction");
        String master = Manifests.in(CLUSTER, "ConfigMap", "mixpay-gateway-config").path("data").path("GATEWAY_CLUSTER_REDIS_MASTER_NAME").asText();
        assertThat(scripts.path("sentinel.sh").asText()).containsPattern("sentinel monitor " + master + " \\$primary " + REDIS_PORT + " 2");
        assertThat(scripts.path("primary.sh").asText()).contains("get-master-addr-by-name " + master);
    }

    @Test
    void gatewayMayReachRedisAndItsSentinelsOnceTheOverlayIsApplied() {
        JsonNode base = baseObject("NetworkPolicy", "mixpay-gateway");
        JsonNode redisPods = redisStatefulSet().path("spec").path("template").path("metadata").path("labels");
        assertThat(egressReaches(base, redisPods, REDIS_PORT)).as("the base alone (one replica, no Redis)").isFalse();

        JsonNode patched = Manifests.afterJsonPatches(CLUSTER, base);
        assertThat(egressReaches(patched, redisPods, REDIS_PORT)).isTrue();
        assertThat(egressReaches(patched, redisPods, SENTINEL_PORT)).isTrue();
        // Appended: the base's own rules (DNS, MixPay) are all still there.
        assertThat(stream(patched.path("spec").path("egress")).toList()).containsAll(stream(base.path("spec").path("egress")).toList());
        assertThat(patched.path("spec").path("podSelector")).isEqualTo(base.path("spec").path("podSelector"));

        Manifests.kubectl().ifPresent(kubectl -> {
            for (Path overlay : List.of(CLUSTER, PROD)) {
                List<JsonNode> rendered = Manifests.render(kubectl, overlay.toString());
                JsonNode policy = Manifests.find(rendered, "NetworkPolicy", "mixpay-gateway");
                JsonNode pods = Manifests.find(rendered, "StatefulSet", REDIS).path("spec").path("template").path("metadata").path("labels");
                assertThat(egressReaches(policy, pods, REDIS_PORT)).as(overlay.toString()).isTrue();
                assertThat(egressReaches(policy, pods, SENTINEL_PORT)).as(overlay.toString()).isTrue();
            }
        });
    }

    @Test
    void redisAdmitsOnlyTheGatewaysPodsAndItsOwnOnItsTwoPorts() {
        JsonNode policy = Manifests.in(CLUSTER, "NetworkPolicy", REDIS);
        JsonNode redisPods = redisStatefulSet().path("spec").path("template").path("metadata").path("labels");
        JsonNode gatewayPods = Manifests.base("Deployment").path("spec").path("template").path("metadata").path("labels");
        assertThat(selects(policy.path("spec").path("podSelector"), redisPods)).isTrue();
        assertThat(selects(policy.path("spec").path("podSelector"), gatewayPods)).isFalse();
        assertThat(policy.path("spec").path("policyTypes")).extracting(JsonNode::asText).contains("Ingress", "Egress");

        JsonNode ingress = policy.path("spec").path("ingress");
        assertThat(ingress.size()).isPositive();
        for (JsonNode rule : ingress) {
            assertThat(rule.path("from").size()).as("a rule with no from admits everyone").isPositive();
            for (JsonNode peer : rule.path("from")) {
                // Pods of this namespace only (no namespaceSelector, no ipBlock): the gateway's or Redis' own.
                List<String> fields = new ArrayList<>();
                peer.fieldNames().forEachRemaining(fields::add);
                assertThat(fields).as("peer " + peer).containsExactly("podSelector");
                JsonNode selector = peer.path("podSelector");
                assertThat(selector.has("matchExpressions")).isFalse();
                assertThat(selector.path("matchLabels").size()).isPositive();
                assertThat(selects(selector, gatewayPods) || selects(selector, redisPods)).as("peer " + peer).isTrue();
            }
            assertThat(rule.path("ports").size()).as("a rule with no ports admits every port").isPositive();
            for (JsonNode port : rule.path("ports")) {
                assertThat(port.path("port").asInt()).isIn(REDIS_PORT, SENTINEL_PORT);
                assertThat(port.path("protocol").asText("TCP")).isEqualTo("TCP");
                assertThat(port.has("endPort")).isFalse();
            }
        }
        // Redis calls only its own pods, and DNS (the sentinels resolve the names they announce).
        for (JsonNode rule : policy.path("spec").path("egress")) {
            boolean ownPods = stream(rule.path("to")).allMatch(peer -> !peer.has("namespaceSelector") && selects(peer.path("podSelector"), redisPods));
            boolean dns = stream(rule.path("ports")).allMatch(p -> p.path("port").asInt() == 53);
            assertThat(ownPods || dns).as("egress rule " + rule).isTrue();
            assertThat(rule.path("ports").size()).as("a rule with no ports reaches every port").isPositive();
        }
    }

    @Test
    void theGatewaysServicePdbPolicyAndHpaNeverSelectTheRedisPods() {
        JsonNode redisPods = redisStatefulSet().path("spec").path("template").path("metadata").path("labels");
        assertThat(selects(baseObject("Service", "mixpay-gateway").path("spec").path("selector"), redisPods, true)).isFalse();
        assertThat(selects(baseObject("PodDisruptionBudget", "mixpay-gateway").path("spec").path("selector"), redisPods)).isFalse();
        assertThat(selects(baseObject("NetworkPolicy", "mixpay-gateway").path("spec").path("podSelector"), redisPods)).isFalse();
        assertThat(selects(Manifests.base("Deployment").path("spec").path("selector"), redisPods)).isFalse();
        // And the Redis Service leads to the Redis pods only.
        JsonNode service = Manifests.in(CLUSTER, "Service", HEADLESS);
        JsonNode gatewayPods = Manifests.base("Deployment").path("spec").path("template").path("metadata").path("labels");
        assertThat(selects(service.path("spec").path("selector"), redisPods, true)).isTrue();
        assertThat(selects(service.path("spec").path("selector"), gatewayPods, true)).isFalse();
    }

    @Test
    void theOverlaysSentinelsAreTheRedisPodsStableNamesOnTheSentinelPort() {
        JsonNode patch = Manifests.in(CLUSTER, "ConfigMap", "mixpay-gateway-config");
        assertThat(Manifests.kustomization(CLUSTER).path("patches")).extracting(p -> p.path("path").asText())
                .contains("config-patch.yaml");
        assertThat(patch.path("data").has("GATEWAY_CLUSTER_REDIS_URL")).as("sentinels, not one address").isFalse();
        String sentinels = patch.path("data").path("GATEWAY_CLUSTER_REDIS_SENTINELS").asText();
        JsonNode set = redisStatefulSet();
        JsonNode service = Manifests.in(CLUSTER, "Service", HEADLESS);
        assertThat(service.path("spec").path("clusterIP").asText()).isEqualTo("None");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < set.path("spec").path("replicas").asInt(); i++) {
            expected.add(REDIS + "-" + i + "." + HEADLESS);
        }
        List<URI> urls = java.util.Arrays.stream(sentinels.split(",")).map(URI::create).toList();
        assertThat(urls).extracting(URI::getHost).containsExactlyElementsOf(expected);
        for (URI url : urls) {
            assertThat(url.getScheme()).isEqualTo("redis");
            assertThat(url.getUserInfo()).as("no password in a ConfigMap").isNull();
            assertThat(url.getPort()).isEqualTo(SENTINEL_PORT);
        }
        // The Service publishes both ports, leading to the containers' own.
        for (int port : List.of(REDIS_PORT, SENTINEL_PORT)) {
            JsonNode servicePort = stream(service.path("spec").path("ports")).filter(p -> p.path("port").asInt() == port)
                    .findFirst().orElseThrow(() -> new AssertionError("the Service has no port " + port));
            String target = servicePort.path("targetPort").asText();
            assertThat(stream(set.path("spec").path("template").path("spec").path("containers")).flatMap(c -> stream(c.path("ports")))
                    .anyMatch(p -> p.path("containerPort").asInt() == port && (p.path("name").asText().equals(target)
                            || String.valueOf(port).equals(target)))).as("port " + port).isTrue();
        }

        Manifests.kubectl().ifPresent(kubectl -> {
            for (Path overlay : List.of(CLUSTER, PROD)) {
                JsonNode config = Manifests.find(Manifests.render(kubectl, overlay.toString()), "ConfigMap", "mixpay-gateway-config");
                assertThat(config.path("data").path("GATEWAY_CLUSTER_REDIS_SENTINELS").asText()).as(overlay.toString()).isEqualTo(sentinels);
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
        assertThat(cluster).contains("../../base", "redis-statefulset.yaml", "redis-scripts.yaml", "redis-service.yaml", "redis-pdb.yaml",
                "redis-networkpolicy.yaml");
        // Prod's own config patch leaves Redis to the cluster overlay.
        JsonNode prodData = Manifests.in(PROD, "ConfigMap", "mixpay-gateway-config").path("data");
        assertThat(prodData.has("GATEWAY_CLUSTER_REDIS_URL") || prodData.has("GATEWAY_CLUSTER_REDIS_SENTINELS")).isFalse();

        Manifests.kubectl().ifPresent(kubectl -> {
            List<JsonNode> rendered = Manifests.render(kubectl, PROD.toString());
            JsonNode redis = Manifests.find(rendered, "StatefulSet", REDIS);
            JsonNode gateway = Manifests.find(rendered, "Deployment", "mixpay-gateway");
            assertThat(redis.path("metadata").path("namespace").asText()).isEqualTo(gateway.path("metadata").path("namespace").asText());
            Manifests.find(rendered, "Service", HEADLESS);
            Manifests.find(rendered, "NetworkPolicy", REDIS);
            Manifests.find(rendered, "PodDisruptionBudget", REDIS);
            // Prod's patches still take: three replicas, its image, and the image change leaves Redis' alone.
            assertThat(gateway.path("spec").path("replicas").asInt()).isEqualTo(3);
            assertThat(gateway.path("spec").path("template").path("spec").path("containers").get(0).path("image").asText())
                    .startsWith("registry.example.com/");
            assertThat(redis.path("spec").path("template").path("spec").path("containers").get(0).path("image").asText())
                    .isEqualTo(redisStatefulSet().path("spec").path("template").path("spec").path("containers").get(0).path("image").asText());
        });
    }

    private static final Path CLUSTER = Path.of("k8s/overlays/cluster");
    private static final Path PROD = Path.of("k8s/overlays/prod");
    private static final String REDIS = "mixpay-gateway-redis";
    private static final String HEADLESS = "mixpay-gateway-redis-headless";
    private static final int REDIS_PORT = 6379;
    private static final int SENTINEL_PORT = 26379;

    private static JsonNode redisStatefulSet() {
        return Manifests.in(CLUSTER, "StatefulSet", REDIS);
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
