package org.ckptinspector.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RenameRuleTest {

    @Test
    void anchoredPrefixIsRemovedOnlyAtTheStart() {
        RenameRule r = RenameRule.parse("^module\\.=");
        assertEquals("fc1.weight", r.apply("module.fc1.weight"));
        assertEquals("encoder.module.x", r.apply("encoder.module.x"));
    }

    @Test
    void unanchoredRegexReplacesEveryMatchLikePythonsReSub() {
        assertEquals("layers.0.linear.weight.linear", RenameRule.parse("fc=linear").apply("layers.0.fc.weight.fc"));
    }

    @Test
    void groupsCarryIntoTheReplacement() {
        RenameRule r = RenameRule.parse("^blocks\\.(\\d+)\\.=layers.$1.");
        assertEquals("layers.12.attn.weight", r.apply("blocks.12.attn.weight"));
    }

    @Test
    void splitsAtTheLastEqualsSoLookbehindsWork() {
        RenameRule r = RenameRule.parse("(?<=encoder\\.)old=new");
        assertEquals("encoder.new.weight", r.apply("encoder.old.weight"));
        assertEquals("decoder.old.weight", r.apply("decoder.old.weight"));
    }

    @Test
    void refusesMalformedRules() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RenameRule.parse("no-equals")).getMessage()
                .contains("FROM=TO"));
        assertThrows(IllegalArgumentException.class, () -> RenameRule.parse("=x"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RenameRule.parse("fc[=x")).getMessage()
                .contains("not a valid regex"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RenameRule.parse("fc=$3")).getMessage()
                .contains("replacement"));
    }
}
