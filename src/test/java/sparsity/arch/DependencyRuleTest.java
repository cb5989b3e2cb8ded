package sparsity.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins the dependency rule of ARCHITECTURE.md:
 * {@code kernels <- analysis <- { sae , attention } <- views <- app}.
 */
class DependencyRuleTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("sparsity");
        // the rule must see every room, or it would pass on nothing
        for (String room : new String[] {"kernels", "analysis", "sae", "attention", "views", "app"}) {
            assertTrue(classes.containPackage("sparsity." + room), "no classes found in sparsity." + room);
        }
    }

    @Test
    void kernelsUseOnlyTheJdk() {
        noClasses().that().resideInAPackage("sparsity.kernels..")
                .should().dependOnClassesThat().resideOutsideOfPackages(
                        "sparsity.kernels..", "java..", "jdk.incubator.vector..")
                .check(classes);
    }

    @Test
    void analysisSeesOnlyKernels() {
        noClasses().that().resideInAPackage("sparsity.analysis..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "sparsity.sae..", "sparsity.attention..", "sparsity.views..", "sparsity.app..")
                .check(classes);
    }

    @Test
    void saeAndAttentionDoNotSeeEachOtherNorTheUi() {
        noClasses().that().resideInAPackage("sparsity.sae..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "sparsity.attention..", "sparsity.views..", "sparsity.app..")
                .check(classes);
        noClasses().that().resideInAPackage("sparsity.attention..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "sparsity.sae..", "sparsity.views..", "sparsity.app..")
                .check(classes);
    }

    @Test
    void domainRoomsNeverTouchJavaFxOrJackson() {
        noClasses().that().resideInAnyPackage(
                        "sparsity.kernels..", "sparsity.analysis..", "sparsity.sae..", "sparsity.attention..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "javafx..", "com.fasterxml.jackson..", "org.controlsfx..")
                .check(classes);
    }

    @Test
    void viewsNeverUseKernelsNorTheApp() {
        noClasses().that().resideInAPackage("sparsity.views..")
                .should().dependOnClassesThat().resideInAnyPackage("sparsity.kernels..", "sparsity.app..")
                .check(classes);
    }

    @Test
    void onlyTheAppTouchesJackson() {
        noClasses().that().resideOutsideOfPackage("sparsity.app..")
                .and().resideInAPackage("sparsity..")
                .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson..")
                .check(classes);
    }
}
