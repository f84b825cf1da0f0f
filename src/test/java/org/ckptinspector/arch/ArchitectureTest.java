package org.ckptinspector.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import com.tngtech.archunit.library.dependencies.Slice;

/** The layering the README promises: one core, two thin faces. */
@AnalyzeClasses(packages = "org.ckptinspector", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String[] CORE = {
        "org.ckptinspector.model..", "org.ckptinspector.io..", "org.ckptinspector.format..",
        "org.ckptinspector.pickle..", "org.ckptinspector.values..", "org.ckptinspector.stats..",
        "org.ckptinspector.diff..", "org.ckptinspector.export..", "org.ckptinspector.security..",
        "org.ckptinspector.task..", "org.ckptinspector.report..", "org.ckptinspector.training..",
        "org.ckptinspector.trajectory.."};

    @ArchTest
    static final ArchRule coreKnowsNoFace = noClasses().that().resideInAnyPackage(CORE)
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "picocli..", "org.jfree..",
                    "org.controlsfx..", "org.ckptinspector.gui..", "org.ckptinspector.cli..")
            .because("the core must serve the GUI and the CLI alike and be testable without a window");

    @ArchTest
    static final ArchRule onlyTheCliPrints = noClasses().that().resideOutsideOfPackages(
                    "org.ckptinspector.cli..", "org.ckptinspector.gui..", "org.ckptinspector")
            .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
            .because("core code reports through return values and exceptions; only the faces talk to the terminal");

    @ArchTest
    static final ArchRule cliDoesNotTouchTheGui = noClasses().that().resideInAPackage("org.ckptinspector.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.ckptinspector.gui..")
            .because("the command line must run headless without loading JavaFX");

    @ArchTest
    static final ArchRule readersStayLeaves = noClasses().that().resideInAnyPackage(
                    "org.ckptinspector.format..", "org.ckptinspector.pickle..", "org.ckptinspector.io..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ckptinspector.stats..",
                    "org.ckptinspector.diff..", "org.ckptinspector.export..")
            .because("readers produce the neutral model and know nothing of what is done with it");

    @ArchTest
    static final ArchRule onlyTheZipReaderUsesCommonsCompress = noClasses().that()
            .resideOutsideOfPackages("org.ckptinspector.format..", "org.ckptinspector.export..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.commons.compress..")
            .because("zip handling stays inside the torch reader and writer");

    private static final java.util.Set<String> READER_AND_SCANNER_PACKAGES = java.util.Set.of("container", "format",
            "pickle", "security", "io", "model");

    @ArchTest
    static final ArchRule readersAndScannerFormNoCycle = slices().matching("org.ckptinspector.(**)")
            .that(DescribedPredicate.describe("are readers, the scanner or below them", (Slice s) ->
                    READER_AND_SCANNER_PACKAGES.contains(s.getNamePart(1).split("\\.")[0])))
            .should().beFreeOfCycles()
            .because("the readers and the scanner share one container layer below them; neither reaches back up");

    @ArchTest
    static final ArchRule containerLayerStaysBelowReadersAndScanner = noClasses().that()
            .resideInAPackage("org.ckptinspector.container..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ckptinspector.format..",
                    "org.ckptinspector.security..", "org.ckptinspector.report..")
            .because("readers and scanner find records through the same container layer, so they cannot disagree");
}
