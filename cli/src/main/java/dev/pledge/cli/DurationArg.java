package dev.pledge.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A duration option as people write it: a number and a unit (s, m, h); a bare number counts seconds. */
final class DurationArg {
    private static final Pattern TEXT = Pattern.compile("(\\d{1,6})([smh]?)");

    private DurationArg() {
    }

    static Optional<Duration> parse(String text) {
        Matcher m = TEXT.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        });
    }
}
