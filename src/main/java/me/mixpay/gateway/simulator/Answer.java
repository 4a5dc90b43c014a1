package me.mixpay.gateway.simulator;

/**
 * What the simulator answers for one request before it is written: a MixPay code, the {@code data} of a
 * success, and the HTTP status. MixPay reports errors inside the envelope, so 200 is the status for all
 * of them except the two a status also expresses (404, 429).
 */
record Answer(long code, Object data, int status) {

    static Answer ok(Object data) {
        return new Answer(0, data, 200);
    }

    static Answer error(long code) {
        return new Answer(code, null, code == 404 ? 404 : code == 1429 ? 429 : 200);
    }
}
