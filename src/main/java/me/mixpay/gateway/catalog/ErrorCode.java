package me.mixpay.gateway.catalog;

/**
 * One row of MixPay's error-code page, with the category the gateway gives it.
 *
 * @param code     the number MixPay sends
 * @param table    which table of the page the row stands in
 * @param message  MixPay's text, verbatim
 * @param category how the gateway treats the code
 * @param why      the reason for that category, shown to operators on the admin API
 */
public record ErrorCode(int code, Table table, String message, Category category, String why) {
}
