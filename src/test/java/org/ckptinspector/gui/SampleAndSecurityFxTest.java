package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.layout.FlowPane;
import org.ckptinspector.Fixtures;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.gui.open.SampleCheckpoint;
import org.ckptinspector.security.GlobalClass;
import org.ckptinspector.security.GlobalPolicy;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The shipped sample opens from the start screen; files naming unsafe globals raise the security banner. */
class SampleAndSecurityFxTest extends FxAppTestSupport {

    @Test
    void theSampleOpensFromTheStartScreenWithItsContainersAndValues(FxRobot robot) {
        robot.interact(() -> robot.lookup("#openSample").queryAs(Button.class).fire());
        waitFor(() -> window.workspace().primary() != null && idle());
        assertEquals(SampleCheckpoint.NAME, window.workspace().primary().file().getFileName().toString());
        assertEquals(LayerNode.Kind.CONTAINER, row("state_dict").getValue().kind());
        assertEquals(LayerNode.Kind.CONTAINER, row("optimizer_states").getValue().kind());
        assertEquals("3", valueText("epoch"));
        assertEquals("'char'", valueText("hyper_parameters.tokenizer"));
        assertEquals(LayerNode.Kind.MODULE, row("state_dict.model.transformer.h.0.attn").getValue().kind());
        assertTrue(row("state_dict.model.lm_head.weight").getValue().tensor().isPresent());
        assertFalse(robot.lookup("#securityBanner").query().isVisible(), "the sample names only safe globals");
        select(robot, "state_dict.model.transformer.h.0.mlp.c_fc.weight");
        waitFor(() -> robot.lookup("#histogram").tryQuery().isPresent());
        screenshot(robot, "10-sample-histogram");
    }

    @Test
    void fileNamingUnsafeGlobalsShowsThemInTheBanner(FxRobot robot) {
        for (String name : List.of("numpy_argparse_checkpoint.pt", "full_model.pt")) {
            Path file = Fixtures.file("torch-2.13", name);
            open(robot, file);
            assertTrue(robot.lookup("#securityBanner").query().isVisible(), name);
            List<String> expected = new ArrayList<>();
            for (JsonNode g : OpenAndBrowseFxTest.manifestEntry(name).get("pickle").get("globals")) {
                if (GlobalPolicy.classify(g.asText()) != GlobalClass.SAFE) {
                    expected.add(g.asText());
                }
            }
            assertFalse(expected.isEmpty());
            assertEquals(expected.stream().sorted().toList(), chips(robot).stream().sorted().toList(), name);
            MenuItem recent = robot.lookup("#menuBar").queryAs(MenuBar.class).getMenus().stream()
                    .flatMap(m -> m.getItems().stream()).filter(i -> "Open Recent".equals(i.getText()))
                    .flatMap(m -> ((Menu) m).getItems().stream()).filter(i -> name.equals(i.getText()))
                    .findFirst().orElseThrow();
            assertFalse(recent.isMnemonicParsing(), "the underscore in " + name + " is no mnemonic");
            screenshot(robot, "11-security-" + name.replace(".pt", ""));
        }
    }

    /** The payload rides in a second pickle after the state_dict's STOP; only a scan of every pickle sees it. */
    @Test
    void aPayloadOutsideTheInterpretedPickleStillTurnsTheBannerRed(FxRobot robot) {
        open(robot, Path.of("src/test/resources/hostile/bypass_appended_after_stop.pt"));
        assertBannerIsRed(robot);
        assertTrue(chips(robot).contains("os.system"), "os.system among " + chips(robot));
    }

    @Test
    void aGlobalThatRunsCodeTurnsTheBannerRedAndNothingRuns(FxRobot robot) {
        open(robot, Path.of("src/test/resources/gui/dangerous_reduce.pt"));
        assertBannerIsRed(robot);
        String headline = robot.lookup("#securityHeadline").queryAs(Label.class).getText();
        assertTrue(headline.startsWith("Dangerous") && headline.contains("Nothing in it was executed"), headline);
        assertEquals(GlobalClass.DANGEROUS, GlobalPolicy.classify("posix.system"));
        assertEquals("posix.system('echo this would run on torch.load')", valueText("extra"),
                "the payload shows as the inert call it describes");
        screenshot(robot, "12-security-dangerous");
    }

    private static void assertBannerIsRed(FxRobot robot) {
        var banner = robot.lookup("#securityBanner").query();
        assertTrue(banner.isVisible());
        assertTrue(banner.getStyleClass().contains("dangerous"));
    }

    /** The globals the banner shows, in its order, as drawn (a mnemonic would turn __main__ into _main_). */
    private static List<String> chips(FxRobot robot) {
        FlowPane chips = (FlowPane) robot.lookup("#securityHeadline").queryAs(Label.class).getParent()
                .getChildrenUnmodifiable().get(1);
        List<String> drawn = new ArrayList<>();
        robot.interact(() -> chips.getChildren().forEach(n -> drawn.add(drawn(n))));
        return drawn;
    }

    private String valueText(String key) {
        return org.ckptinspector.app.ValueText.shortText(row(key).getValue().value().orElseThrow());
    }
}
