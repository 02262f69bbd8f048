package dev.pledge.saga.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The crash points the orchestrator accepts ({@code pledge.crash-points}) are the ones its code reaches. */
class OrchestratorPointTest {
    @Test
    void thePropertyListsEveryCrashPointAndNoOther() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            p.load(r);
        }
        assertThat(Arrays.stream(p.getProperty("pledge.crash-points").split(",")).map(String::trim).toList())
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(OrchestratorPoint.values()).map(OrchestratorPoint::label).toList());
    }
}
