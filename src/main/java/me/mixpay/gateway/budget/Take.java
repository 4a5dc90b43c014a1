package me.mixpay.gateway.budget;

/**
 * One answer of the budget's log: whether a call may go now and, if not, how long until a call of
 * its class could. {@code used} and {@code limit} describe the window after the answer.
 */
record Take(boolean granted, long waitMillis, int used, int limit) {
}
