package me.mixpay.gateway.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Redis Cluster's hash slots (CRC16/XMODEM of the key, or of its {@code {tag}}, modulo 16384), so a script
 * whose keys could live on two nodes is refused here, in every topology, before a cluster ever sees it.
 */
public final class HashSlots {

    public static final int SLOTS = 16384;

    private HashSlots() {
    }

    /** The slot Redis Cluster keeps {@code key} in. */
    public static int of(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        int end = bytes.length;
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                // Only the part between the first '{' and the next '}' is hashed, when it is not empty.
                start = key.substring(0, open + 1).getBytes(StandardCharsets.UTF_8).length;
                end = key.substring(0, close).getBytes(StandardCharsets.UTF_8).length;
            }
        }
        int crc = 0;
        for (int i = start; i < end; i++) {
            crc ^= (bytes[i] & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
        }
        return (crc & 0xffff) % SLOTS;
    }

    /** True when every key is in one slot (an empty or one-key list always is). */
    public static boolean oneSlot(List<String> keys) {
        for (int i = 1; i < keys.size(); i++) {
            if (of(keys.get(i)) != of(keys.get(0))) {
                return false;
            }
        }
        return true;
    }
}
