package dev.pledge.coordinator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The crash points the coordinator accepts ({@code pledge.crash-points}) are the ones its protocols reach. */
class CrashPointNamesTest {
    @Test
    void thePropertyListsEveryCrashPointOfTheProtocolsAndNoOther() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            p.load(r);
        }
        assertThat(Arrays.stream(p.getProperty("pledge.crash-points").split(",")).map(String::trim).toList())
                .containsExactlyInAnyOrderElementsOf(CrashPoint.labels());
    }
}
