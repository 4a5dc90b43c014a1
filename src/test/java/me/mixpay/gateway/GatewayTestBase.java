package me.mixpay.gateway;

import org.junit.jupiter.api.BeforeEach;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.WithTestResource;

import me.mixpay.gateway.support.WireMockUpstream;

/**
 * Tests against the WireMock upstream, reset before each test. The resource is scoped to these
 * classes so that test profiles pointing elsewhere (the simulator, a dead port) keep their own URL.
 */
@WithTestResource(WireMockUpstream.class)
public abstract class GatewayTestBase {

    protected WireMockServer upstream;

    @BeforeEach
    void resetUpstream() {
        upstream = WireMockUpstream.server();
        upstream.resetAll();
    }
}
