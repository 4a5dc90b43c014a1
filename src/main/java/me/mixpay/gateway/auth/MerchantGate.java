package me.mixpay.gateway.auth;


import java.util.Set;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.vertx.core.http.HttpServerRequest;

import me.mixpay.gateway.config.GatewayConfig;

/**
 * Decides who a request comes from: a known API key or a verified client certificate. Built at
 * start-up so a malformed keys file stops the gateway at once. How much each merchant may send is the
 * MixPay budget's business ({@code RequestBudget}), which serves merchants fairly while calls wait.
 */
@Startup
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class MerchantGate {

    /** The merchant label of every request when authentication is off. */
    public static final String ANONYMOUS = "anonymous";

    private static final Logger LOG = Logger.getLogger(MerchantGate.class);

    private final boolean enabled;
    private final boolean mutualTls;
    private final Set<String> certificateMerchants;
    private final String header;
    private final MerchantKeys keys;

    MerchantGate(GatewayConfig config) {
        GatewayConfig.Auth auth = config.auth();
        this.enabled = auth.enabled();
        this.mutualTls = switch (auth.mode()) {
            case "mtls" -> true;
            case "api-key" -> false;
            default -> throw new IllegalArgumentException("gateway.auth.mode must be api-key or mtls, not " + auth.mode());
        };
        this.certificateMerchants = Set.copyOf(auth.mtlsMerchants().orElse(java.util.List.of()));
        this.header = auth.header();
        this.keys = MerchantKeys.of(auth.merchants(), auth.keysFile());
        if (!enabled) {
            LOG.warn("merchant authentication is OFF (gateway.auth.enabled=false): anyone who reaches the port can send traffic");
        } else if (mutualTls) {
            LOG.infof("merchant authentication by client certificate, %d merchants", certificateMerchants.size());
        } else if (keys.merchants().isEmpty()) {
            LOG.warn("merchant authentication is on but no merchant keys are configured: every request will get 401");
        } else {
            LOG.infof("merchant authentication on, %d merchants", keys.merchants().size());
        }
    }

    /** The header carrying the gateway key, to strip before forwarding. */
    public String header() {
        return header;
    }

    /** Every merchant label a request can carry: the bounded label set of per-merchant metrics. */
    public Set<String> merchants() {
        if (!enabled) {
            return Set.of(ANONYMOUS);
        }
        return mutualTls ? certificateMerchants : keys.merchants();
    }

    /** Identifies the merchant of a request by its key or its verified client certificate. */
    public Admission admit(HttpServerRequest request) {
        if (!enabled) {
            return Admission.of(ANONYMOUS);
        }
        if (mutualTls) {
            String merchant = ClientCertificates.commonName(request);
            if (merchant == null) {
                return Admission.unauthenticated("a client certificate verified by the gateway is required");
            }
            if (!certificateMerchants.contains(merchant)) {
                return Admission.unauthenticated("the client certificate does not belong to a known merchant");
            }
            return Admission.of(merchant);
        }
        return admit(request.getHeader(header));
    }

    Admission admit(String presentedKey) {
        if (presentedKey == null || presentedKey.isBlank()) {
            return Admission.unauthenticated("a gateway API key is required in the " + header + " header");
        }
        String merchant = keys.identify(presentedKey).orElse(null);
        if (merchant == null) {
            return Admission.unauthenticated("the gateway API key is not known");
        }
        return Admission.of(merchant);
    }

    /**
     * The gate's verdict: a merchant id when admitted; otherwise why not, and the merchant when known.
     */
    public record Admission(String merchant, boolean admitted, String detail) {

        static Admission of(String merchant) {
            return new Admission(merchant, true, null);
        }

        static Admission unauthenticated(String detail) {
            return new Admission(null, false, detail);
        }
    }
}
