package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@code diff} of a LoRA-merged fine-tune against its base: the forensics fields of changed[] and the text. */
class DiffForensicsCommandTest {
    static final String LORA = "src/test/resources/trajectory/lora/";

    @Test
    void changedEntriesCarryTheVerdict() throws IOException {
        CliRun r = CliRun.of("diff", LORA + "finetuned.pt", LORA + "base.pt", "--json");
        assertEquals(Cli.FINDING, r.code(), r.err());
        JsonNode j = r.json();
        JsonNode q = null;
        JsonNode bias = null;
        for (JsonNode c : j.get("changed")) {
            assertTrue(c.has("changed_fraction") && c.has("delta_rank") && c.has("delta_rank_reason")
                    && c.has("update_kind"), c.toString());
            if (c.get("key").asText().equals("q.weight")) {
                q = c;
            } else if (c.get("key").asText().equals("q.bias")) {
                bias = c;
            }
        }
        assertEquals(3, q.get("delta_rank").asInt());
        assertEquals("low-rank (rank 3)", q.get("update_kind").asText());
        assertTrue(q.get("delta_rank_reason").isNull());
        assertTrue(bias.get("delta_rank").isNull());
        assertTrue(bias.get("delta_rank_reason").asText().startsWith("not a matrix"));
        boolean conv = false;
        for (JsonNode m : j.get("module_updates")) {
            if (m.get("module").asText().equals("conv")) {
                conv = true;
                assertEquals("low-rank (rank 2)", m.get("update_kind").asText());
                assertEquals(2, m.get("delta_rank").asInt());
            }
        }
        assertTrue(conv);
    }

    @Test
    void textShowsTheVerdictPerRowAndModule() {
        CliRun r = CliRun.of("diff", LORA + "finetuned.pt", LORA + "base.pt");
        assertTrue(r.out().contains("→ low-rank (rank 5)"), r.out());
        assertTrue(r.out().contains("→ sparse"), r.out());
        assertTrue(r.out().contains("updates per module"), r.out());
    }
}
