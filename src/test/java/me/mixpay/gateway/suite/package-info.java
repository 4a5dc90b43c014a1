/**
 * One JUnit suite per Quarkus test profile that several test classes share. Surefire runs several JVMs, and in
 * that mode it hands each class to JUnit as a test plan of its own, so Quarkus builds and starts the
 * application again for every class, even with the same profile (quarkusio/quarkus#43979). A suite is one
 * plan: its classes share one build and one start. Surefire runs the suites and leaves their members out
 * ({@code test.suite-members} in pom.xml); {@link me.mixpay.gateway.suite.TestSuitesTest} holds the
 * suites, the pom and the profiles together. {@code -Dtest=SomeTest} still runs one class on its own.
 */
package me.mixpay.gateway.suite;
