package me.mixpay.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.restassured.RestAssured;

/**
 * Sends a request exactly as written, for the tricks that HTTP clients normalise away (absolute-form
 * targets, dot segments, CONNECT), and reads the reply until the gateway closes the connection.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** @param head the request line and headers, without the final blank line or Connection header */
    public static Reply send(String head) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return new Reply(text);
        }
    }

    public record Reply(String text) {
        public int status() {
            return Integer.parseInt(text.substring(9, 12));
        }

        public String body() {
            int split = text.indexOf("\r\n\r\n");
            return split < 0 ? "" : text.substring(split + 4);
        }
    }
}
