package me.mixpay.gateway.suite;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/** The classes on the {@code SimulatorUpstream} profile: one application and one simulator. */
@Suite
@SelectClasses(names = {
        "me.mixpay.gateway.ExactlyOnceTest",
        "me.mixpay.gateway.MixPayJsClientTest",
        "me.mixpay.gateway.simulator.SimulatorContractTest",
        "me.mixpay.gateway.SimulatorTest",
        "me.mixpay.gateway.callback.CallbacksOffTest" })
public class SimulatorUpstreamSuite {
}
