package me.mixpay.gateway.auth;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

import io.vertx.core.http.HttpServerRequest;

/**
 * The merchant id carried by a client certificate: the CN of the certificate the TLS listener already
 * verified against its trust store (quarkus.http.ssl.client-auth=required). Nothing here trusts a
 * certificate on its own; an unverified connection has no peer certificates to read.
 */
final class ClientCertificates {

    private ClientCertificates() {
    }

    /** The CN of the verified client certificate, or null when there is none. */
    static String commonName(HttpServerRequest request) {
        if (!request.isSSL()) {
            return null;
        }
        List<Certificate> chain;
        try {
            chain = request.connection().peerCertificates();
        } catch (SSLPeerUnverifiedException noCertificate) {
            return null;
        }
        if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
            return null;
        }
        try {
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException malformed) {
            return null;
        }
        return null;
    }
}
