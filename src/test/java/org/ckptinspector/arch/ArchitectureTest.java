package org.ckptinspector.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;

/** The layering the README promises: one core, two thin faces. */
@AnalyzeClasses(packages = "org.ckptinspector", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String[] CORE = {
        "org.ckptinspector.model..", "org.ckptinspector.io..", "org.ckptinspector.format..",
        "org.ckptinspector.pickle..", "org.ckptinspector.values..", "org.ckptinspector.stats..",
        "org.ckptinspector.diff..", "org.ckptinspector.export..", "org.ckptinspector.security..",
        "org.ckptinspector.task..", "org.ckptinspector.report..", "org.ckptinspector.training..",
        "org.ckptinspector.trajectory..", "org.ckptinspector.container..", "org.ckptinspector.adapter.."};
    /** The desktop app's views; what they show comes from {@code app}. */
    private static final String VIEWS = "org.ckptinspector.gui..";

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
    static final ArchRule noneUsesCommonsCompress = noClasses()
            .should().dependOnClassesThat().resideInAPackage("org.apache.commons.compress..")
            .because("zip and tar records are found by the container layer exactly as torch and CPython find them, "
                    + "and the export writes its own zip; commons-compress is only the tests' independent reader");

    @ArchTest
    static final ArchRule theAppModelKnowsNoToolkit = noClasses().that().resideInAPackage("org.ckptinspector.app..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.jfree..", "org.controlsfx..",
                    "org.ckptinspector.gui..", "picocli..", "org.ckptinspector.cli..")
            .because("the app's behaviour is tested without a window, and runs off the FX thread");

    @ArchTest
    static final ArchRule coreKnowsNoAppModel = noClasses().that().resideInAnyPackage(CORE)
            .should().dependOnClassesThat().resideInAPackage("org.ckptinspector.app..")
            .because("the app model is a client of the core, like the CLI");

    @ArchTest
    static final ArchRule viewsShowOnlyTheAppModel = noClasses().that().resideInAPackage(VIEWS)
            .should().dependOnClassesThat().resideInAnyPackage("org.ckptinspector.format..",
                    "org.ckptinspector.pickle..", "org.ckptinspector.io..", "org.ckptinspector.container..",
                    "org.ckptinspector.diff..", "org.ckptinspector.export..", "org.ckptinspector.stats..")
            .because("views lay out and bind what the app model opened, compared, computed and exported");

    /** Every package, top-level or nested, is a slice; together they form a one-way graph. */
    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices().matching("org.ckptinspector.(**)")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule viewSlicesAreFreeOfCycles = slices().matching("org.ckptinspector.(gui).(**)")
            .namingSlices("gui.$2").should().beFreeOfCycles()
            .because("each view package builds on the ones below it");

    @ArchTest
    static final ArchRule viewsAreFreeOfCyclesWithTheirRoot = noClasses().that()
            .resideInAPackage("org.ckptinspector.gui.*..")
            .should().dependOnClassesThat().resideInAPackage("org.ckptinspector.gui")
            .because("the main window composes the view packages; they do not reach back into it");

    @ArchTest
    static final ArchRule securityIsCore = noClasses().that().resideInAPackage("org.ckptinspector.security..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ckptinspector.stats..",
                    "org.ckptinspector.diff..", "org.ckptinspector.export..", "org.ckptinspector.report..")
            .because("the scanner reads files as the readers do and knows nothing of what is done with them");

    @ArchTest
    static final ArchRule exportDoesNotUseDiff = noClasses().that().resideInAPackage("org.ckptinspector.export..")
            .should().dependOnClassesThat().resideInAPackage("org.ckptinspector.diff..")
            .because("what both need (the rename rule) lives in the model");

    @ArchTest
    static final ArchRule containerLayerStaysBelowReadersAndScanner = noClasses().that()
            .resideInAPackage("org.ckptinspector.container..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ckptinspector.format..",
                    "org.ckptinspector.security..", "org.ckptinspector.report..")
            .because("readers and scanner find records through the same container layer, so they cannot disagree");
}
