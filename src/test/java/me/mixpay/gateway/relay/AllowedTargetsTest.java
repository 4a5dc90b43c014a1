package me.mixpay.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
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
    void anIpv6AddressCarryingAMetadataOrLoopbackAddressIsJudgedAsTheAddressItReaches() throws Exception {
        // InetAddress.getByAddress turns a mapped address back into IPv4, which a resolver need not do.
        for (String carried : List.of("169.254.169.254", "127.0.0.1", "100.100.100.200")) {
            byte[] v4 = InetAddress.getByName(carried).getAddress();
            for (byte[] prefix : List.of(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff },
                    new byte[12], new byte[] { 0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 })) {
                byte[] v6 = new byte[16];
                System.arraycopy(prefix, 0, v6, 0, 12);
                System.arraycopy(v4, 0, v6, 12, 4);
                InetAddress resolvedTo = Inet6Address.getByAddress("shop.example", v6, (NetworkInterface) null);
                assertThat(resolvedTo).isInstanceOf(Inet6Address.class);
                assertThat(allowed.mayConnect("http://shop.example/hooks/x", resolvedTo)).as(resolvedTo.getHostAddress()).isFalse();
            }
        }
        assertThat(allowed.mayConnect("http://shop.example/hooks/x", resolved("shop.example", "::ffff:10.0.0.5"))).isTrue();
    }

    @Test
    void aPathThatAServerMayTurnIntoAnotherPrefixIsNotAllowed() {
        assertThat(allowed.allows("http://shop.example/hooks/mine")).isTrue();
        for (String path : List.of("/hooks/..;/admin", "/hooks/..%2fadmin", "/hooks/%2E%2E/admin", "/hooks/..%5cadmin", "/hooks/../admin")) {
            assertThat(allowed.allows("http://shop.example" + path)).as(path).isFalse();
        }
    }

    @Test
    void aTargetListedForOneMerchantIsThatMerchantsAloneEvenInsideASharedEntry() {
        AllowedTargets targets = new AllowedTargets(List.of("https://hooks.example"),
                java.util.Map.of("shop-us", List.of("https://hooks.example/us"), "shop-eu", List.of("https://eu.example/in")));
        assertThat(targets.allowsFor("shop-us", "https://hooks.example/us/paid")).isTrue();
        assertThat(targets.allowsFor("shop-eu", "https://hooks.example/us/paid")).as("claimed by shop-us").isFalse();
        assertThat(targets.allowsFor("shop-eu", "https://eu.example/in/paid")).isTrue();
        assertThat(targets.allowsFor("shop-us", "https://eu.example/in/paid")).isFalse();
        assertThat(targets.allowsFor("shop-eu", "https://hooks.example/shared/paid")).as("unclaimed: shared").isTrue();
        assertThat(targets.allows("https://eu.example/in/paid")).as("a try may deliver to any merchant's target").isTrue();
    }

    @Test
    void aPrivateAddressAMerchantsBackendHasIsReachedAndAnEntryNamingAnAddressReachesIt() throws Exception {
        assertThat(allowed.mayConnect("http://shop.example/hooks/x", resolved("shop.example", "10.0.0.5"))).isTrue();
        assertThat(allowed.mayConnect("http://100.100.100.200/own/x", InetAddress.getByName("100.100.100.200"))).isTrue();
        assertThat(allowed.mayConnect("http://elsewhere.example/hooks/x", resolved("elsewhere.example", "10.0.0.5"))).isFalse();
    }
}
