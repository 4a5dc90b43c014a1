package me.mixpay.gateway.catalog;

/** The two tables of MixPay's error-code page. A number may stand in both, with different wording. */
public enum Table {
    /** "Basic code": the {@code code} of a reply envelope. */
    BASIC,
    /** "Reason for refund": why MixPay refunded a payment. */
    REFUND_REASON
}
