package me.mixpay.gateway.catalog;

import static me.mixpay.gateway.catalog.Category.AUTH;
import static me.mixpay.gateway.catalog.Category.BUSINESS;
import static me.mixpay.gateway.catalog.Category.CLIENT_ERROR;
import static me.mixpay.gateway.catalog.Category.MAINTENANCE;
import static me.mixpay.gateway.catalog.Category.RATE_LIMITED;
import static me.mixpay.gateway.catalog.Category.TRANSIENT;
import static me.mixpay.gateway.catalog.Table.BASIC;
import static me.mixpay.gateway.catalog.Table.REFUND_REASON;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MixPay's error codes (https://mixpay.me/developers/api/error-codes), each with the category that
 * decides what the gateway does with it. {@code ErrorCatalogTest} checks every row against the page.
 * <p>
 * The rule behind the categories: only a code that says MixPay itself is unwell is worth a retry or
 * counts against MixPay's circuit breaker. Everything that describes the request, the merchant, the
 * payer or a finished payment is the caller's to handle, and retrying it would only repeat the answer.
 */
public final class ErrorCatalog {

    private static final ErrorCatalog MIXPAY = new ErrorCatalog(List.of(
            // ---- Basic codes: the `code` of a reply envelope ----
            basic(-1, "Server error, please try again later.", TRANSIENT,
                    "MixPay's generic internal error; its own text asks to try again."),
            basic(2000, "Insufficient permissions.", AUTH,
                    "The merchant's credentials lack a permission; a retry gets the same answer."),
            basic(404, "The payment link you visited does not exist.", CLIENT_ERROR,
                    "The caller named a payment link that does not exist."),
            basic(1017, "Parameter error.", CLIENT_ERROR,
                    "The request is malformed; only the caller can fix it."),
            basic(1429, "Your request frequency is too high, please try again later.", RATE_LIMITED,
                    "MixPay's rate limit: back off for the time it asks, then retry."),
            basic(10000, "Mixin authorization expired.", AUTH,
                    "The Mixin OAuth grant behind the call expired; the merchant must re-authorise."),
            basic(10001, "User does not exist.", CLIENT_ERROR,
                    "The request names an unknown user."),
            basic(10002, "The currency does not exist or does not supported exchanging.", CLIENT_ERROR,
                    "The request names an asset MixPay does not support."),
            basic(10003, "Does not support this quote asset.", CLIENT_ERROR,
                    "The request names a quote asset MixPay does not support."),
            basic(10004, "The price is too low.", BUSINESS,
                    "A valid request outside MixPay's price bounds."),
            basic(10005, "The price is too high.", BUSINESS,
                    "A valid request outside MixPay's price bounds."),
            basic(10006, "The transfer amount exceeds 1000 USDT.", BUSINESS,
                    "A per-transfer business limit."),
            basic(10007, "We can not provide service to you.", BUSINESS,
                    "A standing compliance decision about the caller; retrying cannot change it."),
            basic(10008, "Payments are suspended temporarily due to system maintenance. Please contact customer "
                    + "service if you have any questions.", MAINTENANCE,
                    "Payments are switched off on purpose: open the breaker instead of hammering MixPay."),
            basic(10009, "Withdrawals are suspended temporarily due to system maintenance. If you have any "
                    + "questions, please contact customer service.", MAINTENANCE,
                    "Withdrawals are switched off on purpose: open the breaker instead of hammering MixPay."),
            basic(10010, "Insufficient balance of assets.", BUSINESS,
                    "The payer's or merchant's balance is short; a retry moves no money."),
            basic(10011, "Parameter error", CLIENT_ERROR,
                    "The request is malformed; only the caller can fix it."),
            basic(10033, "The same user can be added only 3 times in 24 hours.", BUSINESS,
                    "A daily business quota."),
            basic(10034, "Price exception, please try again later.", TRANSIENT,
                    "MixPay's price feed failed for a moment; its own text asks to try again."),
            basic(10035, "The multisigId does not belong to the token.", CLIENT_ERROR,
                    "The request pairs a multisig group with the wrong token."),
            basic(10036, "The robot does not exist.", CLIENT_ERROR,
                    "The request names an unknown robot."),
            basic(10037, "This is not a robot.", CLIENT_ERROR,
                    "The request names a user where a robot is required."),
            basic(10039, "This is not your robot and cannot be bound.", CLIENT_ERROR,
                    "The caller names a robot it does not own; the credentials are fine, the request is not."),
            basic(10040, "The robot is already bound.", BUSINESS,
                    "The binding exists already; repeating the call cannot help."),
            basic(10041, "The threshold cannot exceed the number of payees.", CLIENT_ERROR,
                    "The request's threshold and payee list contradict each other."),
            basic(10042, "More than 20 multi-signature group bindings.", BUSINESS,
                    "An account-level quota."),
            basic(10043, "More than 20 robot bindings.", BUSINESS,
                    "An account-level quota."),
            basic(10044, "Please set the name of this multi-signature group first.", CLIENT_ERROR,
                    "A precondition the caller must meet first."),

            // ---- Reasons for refund: why MixPay refunded a payment. The payment is over, so these are
            // business outcomes to report, except where the reason is MixPay's own state. ----
            refund(10002, "This currency does not exist or is not supported for exchange."),
            refund(10003, "The Quote currency in Memo is abnormal and not available."),
            refund(10011, "Parameter error."),
            refund(10021, "The payee in  Memo does not support the settlement currency in Memo."),
            refund(10052, "Settlement currency is not available in Memo."),
            refund(10053, "The current payment currency cannot be used as quote currency."),
            refund(10054, "The current payment currency is not available."),
            refund(10055, "The settlement currency in Memo has been removed."),
            refund(10057, "The current payment currency has been removed."),
            refund(10056, "The current quote currency has been removed."),
            refund(10066, "The payee in  Memo does not support the settlement currency in Memo."),
            refund(10067, "The payee in  Memo does not support payment in the current currency."),
            refund(10068, "The payee in  Memo does not support using the current payment currency as the quote "
                    + "currency."),
            refund(10069, "The current payment currency does not meet the minimum limit."),
            refund(10070, "The current payment currency does not meet the maximum limit."),
            refund(10071, "The current payment currency does not meet the minimum limit."),
            refund(10072, "The current payment currency does not meet the maximum limit."),
            refund(10074, "The payeeId is not available."),
            refund(40000, "Payment timeout."),
            refund(40001, "The payee does not exist in the url."),
            refund(40002, "The asset in url does not exist or does not support exchanging."),
            refund(40003, "The transfer amount exceeds 1000 USDT."),
            refund(40005, "The minimum number of decimal places in url exceeds the limit."),
            refund(40006, "The minimum number of integer digits in url exceeds the limit."),
            refund(40008, "Insufficient balance of assets."),
            new ErrorCode(40009, REFUND_REASON, "Server error.", TRANSIENT,
                    "MixPay's internal error: as a reply code it is worth a retry, like -1."),
            new ErrorCode(40011, REFUND_REASON, "The system is temporarily out of service.", MAINTENANCE,
                    "MixPay is out of service as a whole: open the breaker."),
            refund(40012, "Withdrawal methods with memo do not exist."),
            refund(40013, "Withdrawal assets with memo do not exist."),
            refund(40014, "The withdrawal address with memo does not exist."),
            refund(40015, "You currently have an incomplete withdrawal, please complete it first and then try again."),
            refund(40016, "The withdrawal amount is too large."),
            refund(40017, "The Withdrawal amount is too small."),
            refund(40018, "Transfer amount is too small."),
            refund(40019, "Transfer amount is too large."),
            refund(40020, "Wrong payment assets."),
            refund(40021, "Double payment."),
            refund(40022, "TraceId does not exist."),
            refund(40023, "Payee does not exist in Memo."),
            refund(40024, "Wrong Amount paid."),
            refund(40025, "Too much market volatility."),
            refund(40027, "Your payment fails due to transaction restrictions on settlement assets.")));

    private final List<ErrorCode> entries;
    /** The entry a reply's {@code code} resolves to: the basic row where a number stands in both tables. */
    private final Map<Integer, ErrorCode> byCode;

    ErrorCatalog(List<ErrorCode> entries) {
        this.entries = List.copyOf(entries);
        Map<Integer, ErrorCode> index = new HashMap<>();
        for (ErrorCode entry : entries) {
            index.merge(entry.code(), entry, (first, second) -> first.table() == BASIC ? first : second);
        }
        this.byCode = Map.copyOf(index);
    }

    /** The catalog of the MixPay API. */
    public static ErrorCatalog mixpay() {
        return MIXPAY;
    }

    /** Every row of both tables, in the page's order. */
    public List<ErrorCode> entries() {
        return entries;
    }

    /** The row a reply code stands for; a number in both tables resolves to its basic row. */
    public Optional<ErrorCode> lookup(long code) {
        if (code < Integer.MIN_VALUE || code > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        return Optional.ofNullable(byCode.get((int) code));
    }

    /** The row of one table, for reading a refund reason by its own wording. */
    public Optional<ErrorCode> lookup(long code, Table table) {
        return entries.stream().filter(e -> e.code() == code && e.table() == table).findFirst();
    }

    /** How the gateway treats a reply code: {@link Category#UNKNOWN} for a code not in the catalog. */
    public Category categorize(long code) {
        if (code == 0) {
            return Category.SUCCESS;
        }
        return lookup(code).map(ErrorCode::category).orElse(Category.UNKNOWN);
    }

    /** MixPay's own text for a code, for the envelopes the gateway writes itself. */
    public String message(int code) {
        return lookup(code).map(ErrorCode::message).orElse("Server error, please try again later.");
    }

    /**
     * A code as a label from a closed set: catalog codes and 0 as themselves, {@code none} when the reply
     * had no code, {@code other} for anything else. Metrics and the status page key on it, so a new or
     * hostile code can never add a series or a row.
     */
    public String boundedLabel(Long code) {
        if (code == null) {
            return "none";
        }
        return code == 0 || lookup(code).isPresent() ? Long.toString(code) : "other";
    }

    /** Distinct reply codes, sorted: the bounded label set of code metrics. */
    public List<Integer> codes() {
        List<Integer> codes = new ArrayList<>(byCode.keySet());
        Collections.sort(codes);
        return List.copyOf(codes);
    }

    private static ErrorCode basic(int code, String message, Category category, String why) {
        return new ErrorCode(code, BASIC, message, category, why);
    }

    private static ErrorCode refund(int code, String message) {
        return new ErrorCode(code, REFUND_REASON, message, BUSINESS,
                "A reason MixPay refunded a finished payment; the payment's fate will not change on retry.");
    }
}
