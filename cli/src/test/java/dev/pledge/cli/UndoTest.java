package dev.pledge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class UndoTest {

    @Test
    void putsBackWhatIsStillRegisteredNewestFirstOnceAndSaysWhy() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Undo undo = Undo.forTest(new PrintStream(printed, true, StandardCharsets.UTF_8));
        List<String> ran = new ArrayList<>();
        undo.add("disarm the crash point", () -> ran.add("disarm"));
        Object restart = undo.add("restart the coordinator", () -> ran.add("restart"));
        undo.add("abort the probe", () -> ran.add("abort"));
        undo.add("a step that fails", () -> {
            throw new IllegalStateException("connection refused");
        });
        undo.done(restart);

        undo.putBack("The chapter stopped");
        undo.putBack("Again");

        assertThat(ran).containsExactly("abort", "disarm");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("The chapter stopped: putting back what was changed")
                .contains("a step that fails: FAILED (connection refused)").contains("abort the probe: done")
                .doesNotContain("restart the coordinator").doesNotContain("Again");
    }
}
