package me.mixpay.gateway.status;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code gateway.status.*}: the status page's charts. */
@ConfigMapping(prefix = "gateway.status")
public interface StatusConfig {

    /** How often the charts take a sample of this replica's figures. */
    @WithDefault("5s")
    Duration sampleInterval();

    /** How far back the charts reach; samples older than this are overwritten (a fixed ring, fixed memory). */
    @WithDefault("15m")
    Duration history();
}
