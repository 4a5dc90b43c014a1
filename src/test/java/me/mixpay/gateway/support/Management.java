package me.mixpay.gateway.support;

import static io.restassured.RestAssured.given;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.specification.RequestSpecification;

/** Requests to the management interface (health, metrics, admin, status), which is not the merchant port. */
public final class Management {

    private Management() {
    }

    public static int port() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001);
    }

    public static RequestSpecification management() {
        return given().port(port());
    }

    /** One series of the Prometheus scrape, named with its labels as exported (0 when absent). */
    public static double metric(String series) {
        return management().get("/q/metrics").asString().lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1))).findFirst().orElse(0);
    }
}
