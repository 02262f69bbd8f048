package dev.pledge.coordinator.protocol;

import java.util.Arrays;
import java.util.List;

/**
 * The coordinator's named crash points, in the order a transaction reaches them. The protocol functions say
 * where each is reached ({@code Action.Hit}); {@code pledge.crash-points} lists the same names.
 */
public enum CrashPoint {
    BEFORE_PREPARE("before-prepare"),
    AFTER_FIRST_PREPARE("after-first-prepare"),
    AFTER_VOTES("after-votes"),
    AFTER_DECISION("after-decision"),
    AFTER_FIRST_PRECOMMIT("after-first-precommit"),
    AFTER_PRECOMMITS("after-precommits"),
    AFTER_FIRST_COMMIT("after-first-commit"),
    AFTER_FIRST_DOCOMMIT("after-first-docommit");

    private final String label;

    CrashPoint(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(CrashPoint::label).toList();
    }
}
