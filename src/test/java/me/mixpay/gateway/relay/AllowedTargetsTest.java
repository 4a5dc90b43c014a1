package me.mixpay.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Where an allowed name may lead, as each try checks it after resolving the name once: the resolution is
 * given here (a name's owner can point it anywhere), the decision is the relay's own.
 */
class AllowedTargetsTest {

    private final AllowedTargets allowed = new AllowedTargets(List.of("http://shop.example/hooks", "http://100.100.100.200/own"));

    private static InetAddress resolved(String name, String address) throws Exception {
        return InetAddress.getByAddress(name, InetAddress.getByName(address).getAddress());
    }

    @Test
    void anAllowedNameThatResolvesToAMetadataServiceIsNeverConnectedTo() throws Exception {
        for (String metadata : List.of("169.254.169.254", "100.100.100.200", "192.0.0.192", "fd00:ec2::254", "127.0.0.1", "::1")) {
            assertThat(allowed.mayConnect("http://shop.example/hooks/x", resolved("shop.example", metadata))).as(metadata).isFalse();
        }
    }

    @Test
    void aPrivateAddressAMerchantsBackendHasIsReachedAndAnEntryNamingAnAddressReachesIt() throws Exception {
        assertThat(allowed.mayConnect("http://shop.example/hooks/x", resolved("shop.example", "10.0.0.5"))).isTrue();
        assertThat(allowed.mayConnect("http://100.100.100.200/own/x", InetAddress.getByName("100.100.100.200"))).isTrue();
        assertThat(allowed.mayConnect("http://elsewhere.example/hooks/x", resolved("elsewhere.example", "10.0.0.5"))).isFalse();
    }
}
