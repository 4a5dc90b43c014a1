package me.mixpay.gateway.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The merchants allowed through the gateway, each known only by the SHA-256 of its API key: the keys
 * themselves are never stored, so a leaked configuration or Secret does not leak usable keys. API keys
 * are long random strings, not passwords, so a plain SHA-256 resists guessing without a slow KDF.
 */
public final class MerchantKeys {

    private final List<Entry> entries;

    private record Entry(String merchant, byte[] hash) {
    }

    private MerchantKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * @param inline merchant id to hex SHA-256, from configuration
     * @param file   optional file of {@code merchant-id:hex} lines
     * @throws IllegalArgumentException naming the line (never its content) when a line is malformed
     */
    public static MerchantKeys of(Map<String, String> inline, Optional<Path> file) {
        Map<String, String> all = new LinkedHashMap<>(inline);
        file.ifPresent(path -> all.putAll(readFile(path)));
        List<Entry> entries = new ArrayList<>();
        all.forEach((merchant, hex) -> entries.add(new Entry(merchant, decode(merchant, hex))));
        return new MerchantKeys(entries);
    }

    /**
     * The merchant whose key this is. Every configured hash is compared, in constant time, whatever
     * matches, so response time says nothing about which merchants exist or how close a guess was.
     */
    public Optional<String> identify(String presentedKey) {
        byte[] presented = sha256(presentedKey);
        String found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.hash(), presented) && found == null) {
                found = entry.merchant();
            }
        }
        return Optional.ofNullable(found);
    }

    public Set<String> merchants() {
        Set<String> ids = new java.util.LinkedHashSet<>();
        entries.forEach(e -> ids.add(e.merchant()));
        return ids;
    }

    public static String hashOf(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static Map<String, String> readFile(Path path) {
        Map<String, String> keys = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read merchant keys file " + path, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(path + " line " + (i + 1) + ": expected merchant-id:sha256-hex");
            }
            keys.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        return keys;
    }

    private static byte[] decode(String merchant, String hex) {
        if (!merchant.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("merchant ids are 1-64 letters, digits, '.', '_' or '-'");
        }
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("the key of merchant " + merchant + " must be a 64-digit hex SHA-256, not the key itself");
        }
        return HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
    }
}
