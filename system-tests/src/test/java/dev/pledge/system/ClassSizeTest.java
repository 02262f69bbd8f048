package dev.pledge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** No class of the main code grows past 300 lines: past that, it does more than one job (see STYLE). */
class ClassSizeTest {
    static final int MAX_LINES = 300;

    @Test
    void noMainClassIsLongerThanThreeHundredLines() throws IOException {
        assertThat(tooLong(Path.of("..").toRealPath())).isEmpty();
    }

    /** The check must see a long file. */
    @Test
    void aLongClassIsFound() throws IOException {
        Path root = Files.createTempDirectory("class-size");
        Path file = root.resolve("big/src/main/java/Big.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "class Big {\n" + "    int x;\n".repeat(MAX_LINES) + "}\n");
        assertThat(tooLong(root)).containsExactly("big/src/main/java/Big.java: 302 lines");
    }

    /** Every main Java file under a module's src/main longer than the limit, with its length. */
    static List<String> tooLong(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String rel = root.relativize(f).toString().replace('\\', '/');
                if (!rel.contains("/src/main/") || rel.contains("/target/") || rel.contains("node_modules")) {
                    continue;
                }
                long lines;
                try (Stream<String> l = Files.lines(f)) {
                    lines = l.count();
                }
                if (lines > MAX_LINES) {
                    out.add(rel + ": " + lines + " lines");
                }
            }
        }
        return out;
    }
}
