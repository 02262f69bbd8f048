package dev.pledge.coordinator.protocol;

/** The atomic-commit protocols the coordinator runs. */
public enum Protocol {
    TWO_PC("2PC");

    private final String label;

    Protocol(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
