package dev.pledge.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Checks a test cannot run on a machine that lacks their tools, never skipped in silence. Where the environment
 * variable {@code required} is {@code true} ({@code .ci/run} installs the tools and sets it) the test fails.
 * Elsewhere it is skipped, and what went unchecked is written to {@code target/<file>}: system-tests' pom deletes
 * these files before the tests and prints them in a framed warning at the end of a build that passed.
 *
 * @param file       the file under target/, named {@code *-skipped.txt}
 * @param required   the environment variable that turns the skip into a failure
 * @param headline   what was not checked, in capitals
 * @param unverified what the build has therefore not verified
 * @param packages   the Debian packages that bring the tools
 */
public record SkippedCheck(String file, String required, String headline, String unverified, String packages) {

    /** Fails if {@link #required} is true; otherwise records {@code why} for the end of the build and skips. */
    public void skipOrFail(String why) {
        String install = "Debian: sudo apt-get install " + packages;
        if ("true".equals(System.getenv(required))) {
            Assertions.fail(why + ", and " + required + "=true makes that a failure (" + install + ")");
        }
        try {
            Files.write(Path.of("target", file), List.of(headline + ": " + why,
                    "The tests passed, but " + unverified + " was not verified by this build.",
                    "Install them (" + install + ") and run ./mvnw verify again.", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Assumptions.abort("skipped: " + why + " (" + install + ")");
    }
}
