package me.mixpay.gateway;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The MixPay simulator is a part of its own (docs/simulator.md): read from the compiled main classes, so any
 * use counts (an import, a fully qualified name, a field's type, a lambda's), not only an import line.
 * <ul>
 * <li>Nothing of the gateway refers to the simulator: Quarkus finds {@code SimulatorStartup} as a bean, and
 * production never starts it.</li>
 * <li>The simulator refers to nothing of the gateway but the error catalog, which is MixPay's error-codes page
 * as data, and the catalog to nothing else of the gateway: the simulator's jar holds these two packages only.</li>
 * </ul>
 * The gateway's tests may use the simulator (it is their MixPay); only main code is read.
 */
class SimulatorBoundaryTest {

    private static final String SIMULATOR = "me.mixpay.gateway.simulator..";
    private static final String CATALOG = "me.mixpay.gateway.catalog..";
    private static final String GATEWAY = "me.mixpay.gateway..";

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("me.mixpay.gateway");

    @Test
    void nothingOfTheGatewayUsesTheSimulator() {
        noClasses().that().resideInAPackage(GATEWAY).and().resideOutsideOfPackage(SIMULATOR)
                .should().dependOnClassesThat().resideInAPackage(SIMULATOR)
                .because("the simulator is off in production and must be removable without touching the gateway")
                .check(MAIN);
    }

    @Test
    void theSimulatorUsesNothingOfTheGatewayButTheCatalog() {
        noClasses().that().resideInAPackage(SIMULATOR)
                .should().dependOnClassesThat(resideInAPackage(GATEWAY).and(not(resideInAnyPackage(SIMULATOR, CATALOG))))
                .because("the simulator runs on its own, from a jar of the simulator and the catalog only")
                .check(MAIN);
    }

    @Test
    void theCatalogUsesNothingElseOfTheGateway() {
        noClasses().that().resideInAPackage(CATALOG)
                .should().dependOnClassesThat(resideInAPackage(GATEWAY).and(not(resideInAPackage(CATALOG))))
                .because("the simulator's jar carries the catalog, and nothing it refers to")
                .check(MAIN);
    }
}
