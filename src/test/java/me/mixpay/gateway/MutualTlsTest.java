package me.mixpay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static me.mixpay.gateway.support.MixPayReplies.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import me.mixpay.gateway.support.MixPayReplies;
import me.mixpay.gateway.support.TestCertificates;

/** Merchants identified by client certificates instead of API keys, over a real TLS listener. */
@QuarkusTest
@TestProfile(MutualTlsTest.ClientCertificates.class)
class MutualTlsTest extends GatewayTestBase {

    private static final int TLS_PORT = 8444;

    public static class ClientCertificates implements QuarkusTestProfile {
        static final TestCertificates CERTS;
        static final Path KNOWN;
        static final Path STRANGER;
        static final Path SELF_SIGNED;

        static {
            try {
                CERTS = TestCertificates.create(Path.of("target", "mtls-certificates"));
                if (!Files.exists(CERTS.store("shop-mtls")) || !Files.exists(CERTS.store("forger"))) {
                    CERTS.signed("shop-mtls", "shop-mtls");
                    CERTS.signed("stranger", "stranger");
                    CERTS.selfSigned("forger", "shop-mtls");
                    CERTS.ready();
                }
                KNOWN = CERTS.store("shop-mtls");
                STRANGER = CERTS.store("stranger");
                SELF_SIGNED = CERTS.store("forger");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.auth.enabled", "true",
                    "gateway.auth.mode", "mtls",
                    "gateway.auth.mtls-merchants", "shop-mtls",
                    "quarkus.tls.key-store.p12.path", CERTS.serverStore().toString(),
                    "quarkus.tls.key-store.p12.password", TestCertificates.PASSWORD,
                    "quarkus.tls.trust-store.p12.path", CERTS.trustStore().toString(),
                    "quarkus.tls.trust-store.p12.password", TestCertificates.PASSWORD,
                    "quarkus.http.ssl.client-auth", "required",
                    "quarkus.http.test-ssl-port", Integer.toString(TLS_PORT));
        }
    }

    @Test
    void knownMerchantCertificateIsForwarded() throws Exception {
        upstream.stubFor(get(urlPathMatching("/v1/setting/.*")).willReturn(json(MixPayReplies.success("{}"))));
        HttpResponse<String> reply = call(ClientCertificates.KNOWN);
        assertThat(reply.statusCode()).isEqualTo(200);
        upstream.verify(1, getRequestedFor(urlPathMatching("/v1/setting/payment_assets")));
    }

    @Test
    void certificateOfAnUnlistedMerchantGets401AndNothingIsForwarded() throws Exception {
        HttpResponse<String> reply = call(ClientCertificates.STRANGER);
        assertThat(reply.statusCode()).isEqualTo(401);
        assertThat(reply.body()).contains("\"error\":\"unauthenticated\"").contains("\"code\":2000");
        upstream.verify(0, getRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void certificateNotIssuedByTheTrustedCaIsRefusedInTheHandshake() {
        assertThatThrownBy(() -> call(ClientCertificates.SELF_SIGNED)).isInstanceOf(IOException.class);
        upstream.verify(0, getRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void plainHttpIsNotServedAtAll() {
        // Quarkus turns the plain listener off when client certificates are required.
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port).close())
                .isInstanceOf(java.net.ConnectException.class);
    }

    private static HttpResponse<String> call(Path clientStore) throws Exception {
        KeyStore keys = load(clientStore);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, TestCertificates.PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(ClientCertificates.CERTS.trustStore()));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + TLS_PORT + "/v1/setting/payment_assets")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static KeyStore load(Path store) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        return keyStore;
    }
}
