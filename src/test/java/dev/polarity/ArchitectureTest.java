package dev.polarity;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package boundaries of docs/design.md, checked on the compiled classes: the engine stands
 * alone, the service uses the engine's public API only, and packages form no cycles except the
 * one PyTorch has too (tensors record autograd nodes; nodes route tensors).
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.polarity");
    }

    @Test
    void theEngineDependsOnlyOnTheJdkAndTheVectorApi() {
        classes().that().resideInAPackage("dev.polarity.engine..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.polarity.engine..", "java..", "jdk.incubator.vector..")
                .check(main);
    }

    @Test
    void theServiceReachesTheEngineThroughItsPublicApiNotItsKernels() {
        noClasses().that().resideInAnyPackage("dev.polarity.serving..", "dev.polarity.cli..", "dev.polarity.train..")
                .should().dependOnClassesThat().resideInAPackage("dev.polarity.engine.kernels..")
                .check(main);
    }

    @Test
    void engineLayersAreFreeOfCyclesButTensorAndAutograd() {
        slices().matching("dev.polarity.engine.(*)..").should().beFreeOfCycles()
                .ignoreDependency(inPackage("dev.polarity.engine.tensor.."), inPackage("dev.polarity.engine.autograd.."))
                .ignoreDependency(inPackage("dev.polarity.engine.autograd.."), inPackage("dev.polarity.engine.tensor.."))
                .check(main);
    }

    @Test
    void applicationPackagesAreFreeOfCycles() {
        slices().matching("dev.polarity.(*)..").should().beFreeOfCycles().check(main);
    }

    private static DescribedPredicate<com.tngtech.archunit.core.domain.JavaClass> inPackage(String pattern) {
        return com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(pattern);
    }
}
