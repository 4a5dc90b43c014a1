package me.mixpay.gateway.suite;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/** The classes on the {@code CallbackTracingTest.CallbacksTraced} profile: one application. */
@Suite
@SelectClasses(names = {
        "me.mixpay.gateway.trace.CallbackTracingTest",
        "me.mixpay.gateway.trace.OwnLookUpsTracingTest" })
public class CallbackTracingSuite {
}
