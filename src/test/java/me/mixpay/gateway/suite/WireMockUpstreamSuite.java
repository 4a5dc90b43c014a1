package me.mixpay.gateway.suite;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/** The classes on the default profile in front of WireMock ({@code GatewayTestBase}): one application. */
@Suite
@SelectClasses(names = {
        "me.mixpay.gateway.AdminTest",
        "me.mixpay.gateway.ClassificationTest",
        "me.mixpay.gateway.deploy.DeploymentConsistencyTest",
        "me.mixpay.gateway.ForwardingTest",
        "me.mixpay.gateway.MixPayEndpointsTest",
        "me.mixpay.gateway.MonitoringRulesTest",
        "me.mixpay.gateway.ObservabilityTest",
        "me.mixpay.gateway.OpenProxyTest",
        "me.mixpay.gateway.RequestPathFuzzTest",
        "me.mixpay.gateway.ResilienceTest",
        "me.mixpay.gateway.StatusPageTest",
        "me.mixpay.gateway.UpstreamFaultTest" })
public class WireMockUpstreamSuite {
}
