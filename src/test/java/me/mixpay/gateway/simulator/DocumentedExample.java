package me.mixpay.gateway.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The example replies of MixPay's endpoint pages, read from the markdown at test time so the contract
 * follows the pages rather than a copy of them. The pages' JSON is written for people: comment lines
 * ({@code // title: Response}, field notes), {@code ...} for "more of the same", trailing commas. Those are
 * read past; a block that still is not JSON (a curl command in a json fence, one page's comment broken
 * across a line) is no example.
 */
final class DocumentedExample {

    /** The directory of MixPay's pages, as the pom passes it. */
    static Path docs() {
        String dir = System.getProperty("mixpay.api-docs");
        if (dir == null) {
            throw new IllegalStateException("system property mixpay.api-docs (set in the pom) names MixPay's API pages");
        }
        return Path.of(dir);
    }

    private static final Pattern JSON_FENCE = Pattern.compile("```json\\s*\\n(.*?)```", Pattern.DOTALL);
    private static final JsonMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA).build();

    private DocumentedExample() {
    }

    /** Every block of the page that reads as JSON, in page order. */
    static List<JsonNode> examples(Path page) {
        String markdown;
        try {
            markdown = Files.readString(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<JsonNode> found = new ArrayList<>();
        Matcher fence = JSON_FENCE.matcher(markdown);
        while (fence.find()) {
            parse(fence.group(1)).ifPresent(found::add);
        }
        return found;
    }

    /** The page's first example of a successful envelope ({@code code} 0, {@code success} true). */
    static JsonNode success(String pageName) {
        return examples(docs().resolve(pageName)).stream()
                .filter(e -> e.path("code").asInt(-1) == 0 && e.path("success").asBoolean(false))
                .findFirst()
                .orElseThrow(() -> new AssertionError(pageName + " has no success example that reads as JSON"));
    }

    /** The first example of a failed envelope on a page (the error-codes page's global error response). */
    static JsonNode failure(Path page) {
        return examples(page).stream().filter(e -> e.has("code") && !e.path("success").asBoolean(true)).findFirst()
                .orElseThrow(() -> new AssertionError(page + " has no error example that reads as JSON"));
    }

    private static Optional<JsonNode> parse(String block) {
        String json = block.lines()
                .filter(line -> !line.trim().startsWith("//"))
                .filter(line -> !line.trim().equals("..."))
                .collect(Collectors.joining("\n"));
        try {
            return Optional.of(LENIENT.readTree(json));
        } catch (JsonProcessingException notJson) {
            return Optional.empty();
        }
    }
}
