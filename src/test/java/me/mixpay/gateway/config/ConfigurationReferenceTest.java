package me.mixpay.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * Keeps docs/configuration.md true. Every {@code @ConfigMapping} interface of the gateway (found in the
 * compiled main classes, so a new one is covered as soon as it exists) is walked by reflection: method
 * names become kebab-case (or the mapping's naming strategy) unless {@code @WithName} says otherwise,
 * nested interfaces add a dotted prefix, a {@code Map<String, X>} adds a {@code <name>} segment, a
 * {@code @WithDefault} is the default, an {@code Optional} or a map has none. Each resulting property must
 * have one row in the reference, with the environment variable MicroProfile Config maps to it and that
 * default; a row for a property that no longer exists fails too. The failure message gives the rows to
 * add or change, ready to paste (only the meaning is left to write).
 * <p>
 * Rows are the lines of docs/configuration.md that start with {@code | `gateway.}: property, environment
 * variable, default (its first {@code `code`} span, or {@code none}; text may follow, e.g. "(dev: ...)"),
 * meaning. Any {@code <placeholder>} stands for a map key, whatever its name.
 */
class ConfigurationReferenceTest {

    static final Path REFERENCE = Path.of("docs/configuration.md");
    static final String BASE_PACKAGE = "me.mixpay.gateway";
    static final Pattern PLACEHOLDER = Pattern.compile("<[^>]*>");
    static final Pattern CODE = Pattern.compile("`([^`]*)`");

    /** One property as the code defines it. */
    record Property(String name, String env, String defaultValue, String source) {

        String row() {
            String shownDefault = defaultValue == null ? "none" : "`" + defaultValue + "`";
            return "| `" + name + "` | `" + env + "` | " + shownDefault + " | <what it does> |";
        }
    }

    /** One row of the reference. */
    record Row(int line, String name, String env, String defaultCell, String meaning) {
    }

    @Test
    void everyPropertyIsDocumentedWithItsDefaultAndEnvironmentName() throws Exception {
        Map<String, Property> code = new TreeMap<>();
        for (Class<?> mapping : configMappings()) {
            ConfigMapping annotation = mapping.getAnnotation(ConfigMapping.class);
            walk(mapping, annotation.prefix(), annotation.namingStrategy(), code);
        }
        assertFalse(code.isEmpty(), "no @ConfigMapping interface found under " + BASE_PACKAGE);

        Map<String, Row> doc = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Row row : rows()) {
            Row earlier = doc.putIfAbsent(key(row.name()), row);
            if (earlier != null) {
                problems.add("line " + row.line() + ": `" + row.name() + "` is listed twice (also line "
                        + earlier.line() + "); remove one");
            }
        }

        List<String> missing = new ArrayList<>();
        for (Property property : code.values()) {
            Row row = doc.get(key(property.name()));
            if (row == null) {
                missing.add(property.row() + "      <- " + property.source());
                continue;
            }
            if (!key(row.env()).equals(key(property.env()))) {
                problems.add("line " + row.line() + ": `" + property.name() + "` is set from the environment as `"
                        + property.env() + "`, the reference says `" + row.env() + "`");
            }
            String documentedDefault = documentedDefault(row.defaultCell());
            String expected = property.defaultValue() == null ? "none" : property.defaultValue();
            if (!expected.equals(documentedDefault)) {
                problems.add("line " + row.line() + ": `" + property.name() + "` defaults to "
                        + (property.defaultValue() == null ? "nothing (write none)" : "`" + expected + "`")
                        + " in " + property.source() + ", the reference says " + row.defaultCell().strip());
            }
            if (row.meaning().isBlank()) {
                problems.add("line " + row.line() + ": `" + property.name() + "` has no meaning written");
            }
        }
        for (Row row : doc.values()) {
            if (code.keySet().stream().noneMatch(name -> key(name).equals(key(row.name())))) {
                problems.add("line " + row.line() + ": `" + row.name()
                        + "` is not a property of any @ConfigMapping any more; remove the row");
            }
        }
        if (!missing.isEmpty()) {
            problems.add(0, "add these rows to " + REFERENCE + " (in the table of their section):\n    "
                    + String.join("\n    ", missing));
        }
        if (!problems.isEmpty()) {
            fail(REFERENCE + " does not match the configuration the code reads:\n  " + String.join("\n  ", problems));
        }
    }

    /** The walker itself, on names whose mapping is known. */
    @Test
    void namesFollowMicroProfileConfig() {
        Map<String, Property> code = new TreeMap<>();
        walk(GatewayConfig.class, "gateway", ConfigMapping.NamingStrategy.KEBAB_CASE, code);
        Property baseUrl = code.get("gateway.upstream.base-url");
        assertEquals("GATEWAY_UPSTREAM_BASE_URL", baseUrl.env());
        assertEquals("https://api.mixpay.me", baseUrl.defaultValue());
        Property attempts = code.get("gateway.routes.<name>.retry.max-attempts");
        assertEquals("GATEWAY_ROUTES_<NAME>_RETRY_MAX_ATTEMPTS", attempts.env());
        assertEquals("3", attempts.defaultValue());
        assertEquals(null, code.get("gateway.routes.<name>.match").defaultValue());
        assertEquals("60", code.get("gateway.budget.limit").defaultValue());
        assertEquals(null, code.get("gateway.auth.merchants.<name>").defaultValue());
    }

    static void walk(Class<?> type, String prefix, ConfigMapping.NamingStrategy naming, Map<String, Property> out) {
        Method[] methods = type.getMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method method : methods) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.getParameterCount() > 0
                    || method.getDeclaringClass() == Object.class) {
                continue;
            }
            String name;
            if (method.isAnnotationPresent(WithParentName.class)) {
                name = prefix;
            } else {
                WithName withName = method.getAnnotation(WithName.class);
                name = prefix + "." + (withName != null ? withName.value() : naming.apply(method.getName()));
            }
            String declaring = method.getDeclaringClass().getName();
            String source = declaring.substring(declaring.lastIndexOf('.') + 1).replace('$', '.') + "." + method.getName() + "()";
            WithDefault withDefault = method.getAnnotation(WithDefault.class);
            String defaultValue = withDefault == null ? null : withDefault.value();
            Type generic = method.getGenericReturnType();
            Class<?> raw = method.getReturnType();

            if (raw == Optional.class && isGroup(argument(generic, 0))) {
                walk((Class<?>) argument(generic, 0), name, naming, out);
            } else if (raw == Map.class) {
                String keyed = name + ".<name>";
                Type value = argument(generic, 1);
                if (isGroup(value)) {
                    walk((Class<?>) value, keyed, naming, out);
                } else {
                    out.put(keyed, new Property(keyed, env(keyed), defaultValue, source));
                }
            } else if (isGroup(raw)) {
                walk(raw, name, naming, out);
            } else {
                boolean optional = raw == Optional.class || raw.getSimpleName().startsWith("Optional");
                if (defaultValue == null && !optional) {
                    defaultValue = "required";
                }
                out.put(name, new Property(name, env(name), defaultValue, source));
            }
        }
    }

    /** A configuration group: one of the gateway's own interfaces, not a value type. */
    static boolean isGroup(Type type) {
        return type instanceof Class<?> c && c.isInterface() && c.getName().startsWith(BASE_PACKAGE + ".");
    }

    static Type argument(Type generic, int index) {
        return generic instanceof ParameterizedType p ? p.getActualTypeArguments()[index] : Object.class;
    }

    /** MicroProfile Config's environment name: every character but letters and digits becomes _, upper case. */
    static String env(String property) {
        StringBuilder env = new StringBuilder();
        Matcher placeholders = PLACEHOLDER.matcher(property);
        int at = 0;
        while (placeholders.find()) {
            env.append(property, at, placeholders.start());
            env.append(placeholders.group().toUpperCase());
            at = placeholders.end();
        }
        env.append(property.substring(at));
        return env.toString().replaceAll("[^A-Za-z0-9<>]", "_").toUpperCase();
    }

    /** Placeholders compare equal whatever their name. */
    static String key(String name) {
        return PLACEHOLDER.matcher(name).replaceAll("<>").toLowerCase();
    }

    static String documentedDefault(String cell) {
        String text = cell.strip();
        if (text.startsWith("none") || text.startsWith("—")) {
            return "none";
        }
        if (text.startsWith("required")) {
            return "required";
        }
        Matcher code = CODE.matcher(text);
        return code.find() && code.start() == 0 ? code.group(1) : text;
    }

    static List<Row> rows() throws Exception {
        List<String> lines = Files.readAllLines(REFERENCE);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith("| `gateway.")) {
                continue;
            }
            String[] cells = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length()).split("\\|", -1);
            if (cells.length != 4) {
                fail(REFERENCE + " line " + (i + 1) + " needs four cells (property | environment | default | meaning): " + line);
            }
            rows.add(new Row(i + 1, unquote(cells[0]), unquote(cells[1]), cells[2], cells[3].strip()));
        }
        return rows;
    }

    static String unquote(String cell) {
        Matcher code = CODE.matcher(cell);
        return code.find() ? code.group(1) : cell.strip();
    }

    /** Every @ConfigMapping interface in the compiled main classes. */
    static List<Class<?>> configMappings() throws Exception {
        Path classes = Path.of(GatewayConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> mappings = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String relative = classes.relativize(file).toString();
                String className = relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
                if (!className.startsWith(BASE_PACKAGE + ".")) {
                    continue;
                }
                Class<?> candidate = Class.forName(className, false, ConfigurationReferenceTest.class.getClassLoader());
                if (candidate.isInterface() && candidate.isAnnotationPresent(ConfigMapping.class)) {
                    mappings.add(candidate);
                }
            }
        }
        mappings.sort(Comparator.comparing(Class::getName));
        return mappings;
    }
}
