package me.mixpay.gateway.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

/**
 * The suites are worth their keep only while they hold every class of a shared application and surefire
 * leaves those classes out on their own: a class missing from its suite costs one more application start,
 * a member not left out runs twice. Read from the compiled test classes and from the pom's
 * {@code test.suite-members}, passed to this JVM as a system property.
 */
class TestSuitesTest {

    /** The compiled test classes alone (surefire runs in the project's directory): no classpath scan. */
    private static final JavaClasses TESTS = new ClassFileImporter().importPath(Path.of("target", "test-classes"));

    @Test
    void everyApplicationThatSeveralClassesShareIsOneSuite() {
        Map<String, Set<String>> byApplication = new TreeMap<>();
        for (JavaClass test : TESTS) {
            if (test.isAnnotatedWith("io.quarkus.test.junit.QuarkusTest")) {
                byApplication.computeIfAbsent(application(test), key -> new TreeSet<>()).add(test.getName());
            }
        }
        Set<Set<String>> shared = byApplication.values().stream().filter(classes -> classes.size() > 1)
                .collect(Collectors.toSet());
        assertThat(Set.copyOf(suites().values()))
                .as("each suite is exactly the classes of one application that several classes share")
                .isEqualTo(shared);
    }

    @Test
    void surefireLeavesOutExactlyTheSuitesMembers() {
        String property = System.getProperty("test.suite-members");
        assertThat(property).as("pom.xml passes test.suite-members to the tests").isNotBlank();
        Set<String> excluded = Arrays.stream(property.split(",")).map(String::trim)
                .map(pattern -> pattern.replaceFirst("^\\*\\*/", "").replaceFirst("\\.java$", ""))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> members = suites().values().stream().flatMap(Set::stream)
                .map(name -> name.substring(name.lastIndexOf('.') + 1))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(excluded).as("test.suite-members in pom.xml").isEqualTo(members);
    }

    /** What makes two classes one Quarkus application: the profile and the test resources. */
    private static String application(JavaClass test) {
        String profile = test.tryGetAnnotationOfType("io.quarkus.test.junit.TestProfile")
                .map(annotation -> ((JavaClass) annotation.get("value").orElseThrow()).getName())
                .orElse("default profile");
        List<String> resources = test.getClassHierarchy().stream()
                .flatMap(type -> type.getAnnotations().stream())
                .filter(annotation -> annotation.getRawType().getName().equals("io.quarkus.test.common.WithTestResource"))
                .map(annotation -> ((JavaClass) annotation.get("value").orElseThrow()).getName())
                .sorted().toList();
        return profile + " " + resources;
    }

    private static Map<String, Set<String>> suites() {
        Map<String, Set<String>> suites = new TreeMap<>();
        for (JavaClass suite : TESTS) {
            if (suite.isAnnotatedWith("org.junit.platform.suite.api.Suite")) {
                JavaAnnotation<JavaClass> selected = suite.getAnnotationOfType("org.junit.platform.suite.api.SelectClasses");
                String[] names = (String[]) selected.get("names").orElseThrow();
                suites.put(suite.getName(), new TreeSet<>(Arrays.asList(names)));
            }
        }
        return suites;
    }
}
