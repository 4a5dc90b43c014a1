package me.mixpay.gateway.suite;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/** The classes on the {@code CallbackUpstream} profile: one application. */
@Suite
@SelectClasses(names = {
        "me.mixpay.gateway.callback.CallbackTest",
        "me.mixpay.gateway.callback.RelayTest" })
public class CallbackUpstreamSuite {
}
